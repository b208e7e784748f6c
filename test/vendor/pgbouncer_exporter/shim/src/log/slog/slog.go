// Package slog is a pooltune build shim, not upstream code: the few parts of Go 1.21's log/slog that the
// vendored collector.go and struct.go use (a *Logger with Debug, Info, Warn and Error taking a message and
// key-value pairs). Debian bookworm's Go is 1.19, which has no log/slog; in GOPATH mode the go command looks
// for a package the standard library lacks on GOPATH, so this one stands in and the upstream files build as
// they are. It logs Info and above to standard error, as slog's default logger does.
package slog

import (
	"fmt"
	"os"
	"strings"
	"sync"
)

// Logger writes one line per record to standard error.
type Logger struct{ mu sync.Mutex }

var defaultLogger = &Logger{}

// Default returns the logger, as log/slog's Default does.
func Default() *Logger { return defaultLogger }

func (l *Logger) log(level, msg string, args []any) {
	var b strings.Builder
	fmt.Fprintf(&b, "level=%s msg=%q", level, msg)
	for i := 0; i+1 < len(args); i += 2 {
		fmt.Fprintf(&b, " %v=%q", args[i], fmt.Sprint(args[i+1]))
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	fmt.Fprintln(os.Stderr, b.String())
}

// Debug is dropped, as below slog's default level.
func (l *Logger) Debug(msg string, args ...any) {}
func (l *Logger) Info(msg string, args ...any)  { l.log("INFO", msg, args) }
func (l *Logger) Warn(msg string, args ...any)  { l.log("WARN", msg, args) }
func (l *Logger) Error(msg string, args ...any) { l.log("ERROR", msg, args) }
