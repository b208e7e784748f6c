// pooltune build: not upstream code. It stands in for upstream's pgbouncer_exporter.go (see README.md), whose
// flag, logging and web libraries (kingpin/v2, common/promslog, exporter-toolkit 0.16) are newer than
// Debian bookworm's. Every pgbouncer_* series is built by the vendored collector.go, unchanged; this file only
// parses the two flags the tests use, under upstream's names, and serves the registry over HTTP.
package main

import (
	"flag"
	"log/slog"
	"net/http"
	"os"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// As upstream's main: the collector names every series pgbouncer_….
const namespace = "pgbouncer"

func main() {
	// Upstream's default, and its environment variable, which a flag overrides.
	defaultConnection := "postgres://postgres:@localhost:6543/pgbouncer?sslmode=disable"
	if fromEnv := os.Getenv("PGBOUNCER_EXPORTER_CONNECTION_STRING"); fromEnv != "" {
		defaultConnection = fromEnv
	}
	connectionString := flag.String("pgBouncer.connectionString", defaultConnection, "Connection string for accessing pgBouncer.")
	listenAddress := flag.String("web.listen-address", ":9127", "Address to listen on for the metrics.")
	metricsPath := flag.String("web.telemetry-path", "/metrics", "Path under which to expose metrics.")
	flag.Parse()

	logger := slog.Default()
	exporter := NewExporter(*connectionString, namespace, logger)
	if exporter == nil {
		logger.Error("Failed to create exporter")
		os.Exit(1)
	}
	prometheus.MustRegister(exporter)

	http.Handle(*metricsPath, promhttp.Handler())
	logger.Info("Listening", "address", *listenAddress)
	if err := http.ListenAndServe(*listenAddress, nil); err != nil {
		logger.Error("Error starting server", "err", err)
		os.Exit(1)
	}
}
