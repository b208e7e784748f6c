/**
 * The Rust our emitters print must compile. Each snippet is wrapped in an async fn and type-checked by rustc
 * against signature stand-ins of the real crates (test/rust/standins/), so a misspelt method, a wrong
 * argument type or a missing import fails here instead of in a user's build.
 *
 * rustc is required: a missing rustc fails the suite (CI installs Debian's rustc 1.63 when it is absent).
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { constants } from 'node:fs';
import { access, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { PoolSettings } from '../../src/core/workload.js';
import { EMITTER_BY_NAME, EMITTERS, type EmitterName } from '../../src/report/emit/index.js';
import { OLTP_33 } from '../helpers/examples.js';

const execFileAsync = promisify(execFile);

// Compiled tests live in dist/test/unit/; the .rs stand-ins stay in test/rust/ at the repo root.
const STANDINS_DIR = fileURLToPath(new URL('../../../test/rust/standins/', import.meta.url));

type Standin = 'sqlx' | 'eventcore_postgres_0_1' | 'eventcore_postgres_2';

/** Both EventCore stand-ins are the crate `eventcore_postgres`, as the real ones are. */
function crateName(standin: Standin): string {
  return standin === 'sqlx' ? 'sqlx' : 'eventcore_postgres';
}

/** The stand-ins each Rust emitter's code is checked against (the crates a user's Cargo.toml would list). */
const RUST_EMITTERS: ReadonlyArray<{ readonly name: EmitterName; readonly standins: readonly Standin[] }> = [
  { name: 'sqlx', standins: ['sqlx'] },
  { name: 'eventcore', standins: ['sqlx', 'eventcore_postgres_2'] },
  { name: 'eventcore-0.1', standins: ['eventcore_postgres_0_1'] },
];

const CASES: ReadonlyArray<{ readonly label: string; readonly pool: PoolSettings }> = [
  { label: 'oltp', pool: OLTP_33 },
  {
    // Optional timeouts switched off, and durations that are not whole seconds.
    label: 'nulls, sub-second',
    pool: {
      maxConnections: 12,
      minConnections: 2,
      acquireTimeoutMs: 1500,
      queryTimeoutMs: null,
      idleTimeoutMs: null,
      maxLifetimeMs: null,
      testBeforeAcquire: true,
      retries: { maxRetries: 0, baseDelayMs: 250, maxDelayMs: 1500 },
    },
  },
  {
    label: 'smallest pool, millisecond query timeout',
    pool: {
      maxConnections: 1,
      minConnections: 0,
      acquireTimeoutMs: 250,
      queryTimeoutMs: 750,
      idleTimeoutMs: 90_000,
      maxLifetimeMs: 3_600_000,
      testBeforeAcquire: false,
      retries: { maxRetries: 5, baseDelayMs: 50, maxDelayMs: 60_000 },
    },
  },
];

async function isExecutable(path: string): Promise<boolean> {
  try {
    await access(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** rustc from PATH, then ~/.cargo/bin (not on PATH in a non-login shell), then Debian's /usr/bin. */
async function findRustc(): Promise<string | undefined> {
  const candidates = [
    ...(process.env.PATH ?? '')
      .split(delimiter)
      .filter((dir) => dir !== '')
      .map((dir) => join(dir, 'rustc')),
    join(homedir(), '.cargo', 'bin', 'rustc'),
    '/usr/bin/rustc',
  ];
  for (const candidate of candidates) {
    if (await isExecutable(candidate)) return candidate;
  }
  return undefined;
}

interface RustcResult {
  readonly ok: boolean;
  readonly stdout: string;
  readonly stderr: string;
}

async function runRustc(rustc: string, args: readonly string[]): Promise<RustcResult> {
  try {
    const { stdout, stderr } = await execFileAsync(rustc, ['--color', 'never', ...args], {
      maxBuffer: 16 * 1024 * 1024,
    });
    return { ok: true, stdout, stderr };
  } catch (error) {
    const failure = error as { stdout?: string; stderr?: string; message: string };
    return { ok: false, stdout: failure.stdout ?? '', stderr: failure.stderr || failure.message };
  }
}

/**
 * Emitted code is `use` lines, then statements. The `use` lines stay at the top level (where a user pastes
 * them); the statements become the body of an async fn returning `Box<dyn Error>`, so `?` and `.await?` work.
 */
function wrapAsFunction(code: string, origin: string): string {
  const lines = code.split('\n');
  const uses: string[] = [];
  let index = 0;
  while (index < lines.length) {
    const line = lines[index] ?? '';
    if (line.trim() === '') {
      index += 1;
    } else if (line.startsWith('use ')) {
      // A `use` may span lines (`use a::{\n b,\n};`): take lines up to its `;`.
      while (index < lines.length) {
        const part = lines[index] ?? '';
        uses.push(part);
        index += 1;
        if (part.trimEnd().endsWith(';')) break;
      }
    } else {
      break;
    }
  }
  const body = lines
    .slice(index)
    .map((line) => (line === '' ? '' : `    ${line}`))
    .join('\n')
    .trimEnd();
  return [
    `// ${origin}, wrapped by test/unit/emit-rust.test.ts.`,
    ...uses,
    '',
    '#[allow(unused)]',
    'async fn emitted() -> Result<(), Box<dyn std::error::Error>> {',
    body,
    '    Ok(())',
    '}',
    '',
  ].join('\n');
}

describe(
  'Rust emitters: printed code compiles against stand-ins of the real APIs',
  { concurrency: true },
  () => {
    let rustc = '';
    let rustcVersion = '';
    let workDir = '';
    /** Compiled stand-in metadata, by stand-in. */
    const compiled = new Map<Standin, string>();
    let snippetCount = 0;

    /** rustc, its version and the compiled stand-ins. Throws when rustc is missing or a stand-in is broken. */
    async function setUp(): Promise<void> {
      const found = await findRustc();
      if (found === undefined) {
        throw new Error(
          `rustc not found (looked on PATH, in ${join(homedir(), '.cargo', 'bin')} and /usr/bin). ` +
            'These tests need it to type-check the Rust the emitters print: install Rust ' +
            '(Debian: apt-get install rustc) and run them again.',
        );
      }
      rustc = found;
      const version = await runRustc(rustc, ['--version']);
      assert.ok(version.ok, `${rustc} --version failed:\n${version.stderr}`);
      rustcVersion = version.stdout.trim();

      workDir = await mkdtemp(join(tmpdir(), 'pooltune-emit-rust-'));
      // Metadata is all a `--emit=metadata` check of the snippets needs; no codegen, so this stays fast.
      // Each stand-in gets its own directory: both EventCore ones are `libeventcore_postgres.rmeta`.
      const build = async (standin: Standin, deps: readonly Standin[]): Promise<void> => {
        const outDir = join(workDir, standin);
        await mkdir(outDir);
        const output = join(outDir, `lib${crateName(standin)}.rmeta`);
        const result = await runRustc(rustc, [
          '--edition',
          '2021',
          '--crate-type',
          'rlib',
          '--crate-name',
          crateName(standin),
          '--emit=metadata',
          ...externArgs(deps),
          '-o',
          output,
          join(STANDINS_DIR, `${standin}.rs`),
        ]);
        assert.ok(
          result.ok,
          `stand-in ${standin}.rs does not compile with ${rustcVersion}:\n${result.stderr}`,
        );
        compiled.set(standin, output);
      };
      await build('sqlx', []);
      await Promise.all([build('eventcore_postgres_0_1', []), build('eventcore_postgres_2', ['sqlx'])]);
    }

    // A failing `before` hook only cancels the tests; keep the error so that each compile test fails with it.
    let setupError: unknown;
    before(async () => {
      try {
        await setUp();
      } catch (error) {
        setupError = error;
      }
    });

    after(async () => {
      if (workDir !== '') await rm(workDir, { recursive: true, force: true });
    });

    /** `--extern` for each stand-in, plus `-L dependency=` so rustc finds what those depend on. */
    function externArgs(standins: readonly Standin[]): string[] {
      return standins.flatMap((standin) => {
        const path = compiled.get(standin);
        assert.ok(path !== undefined, `stand-in ${standin} was not compiled`);
        return ['--extern', `${crateName(standin)}=${path}`, '-L', `dependency=${join(workDir, standin)}`];
      });
    }

    /** Type-checks one snippet; the result carries rustc's stderr and the wrapped source for failure messages. */
    async function check(
      emitter: (typeof RUST_EMITTERS)[number],
      code: string,
      origin: string,
    ): Promise<RustcResult & { readonly source: string }> {
      if (setupError !== undefined) throw setupError;
      snippetCount += 1;
      const dir = join(workDir, `snippet-${snippetCount}`);
      await mkdir(dir);
      const source = wrapAsFunction(code, origin);
      const file = join(dir, 'emitted.rs');
      await writeFile(file, source);
      const result = await runRustc(rustc, [
        '--edition',
        '2021',
        '--crate-type',
        'lib',
        '--crate-name',
        'emitted',
        '--emit=metadata',
        ...externArgs(emitter.standins),
        '-o',
        join(dir, 'libemitted.rmeta'),
        file,
      ]);
      return { ...result, source };
    }

    it('covers every emitter that prints Rust', () => {
      const printsRust = EMITTERS.filter(
        (name) => EMITTER_BY_NAME[name]({ workload: 'oltp', pool: OLTP_33 }).language === 'rust',
      );
      assert.deepEqual(
        [...printsRust].sort(),
        RUST_EMITTERS.map((emitter) => emitter.name).sort(),
        'a Rust emitter without stand-ins here: add its stand-in and an entry in RUST_EMITTERS',
      );
    });

    for (const emitter of RUST_EMITTERS) {
      for (const { label, pool } of CASES) {
        it(`${emitter.name} (${label}) compiles`, async () => {
          const emitted = EMITTER_BY_NAME[emitter.name]({ workload: 'test', pool });
          assert.equal(emitted.language, 'rust');
          const result = await check(emitter, emitted.code, `--emit ${emitter.name}, ${label}`);
          assert.ok(
            result.ok,
            `${emitter.name} (${label}) does not compile with ${rustcVersion}:\n${result.stderr}\n` +
              `--- wrapped source ---\n${result.source}`,
          );
          // The `use` lines go to the top of the user's file: an unused one is a warning in their build.
          assert.doesNotMatch(result.stderr, /^warning: unused import/m, result.stderr);
        });
      }
    }

    // Behind a pooler the code changes (no startup options, statement cache off): it must compile too.
    for (const emitter of RUST_EMITTERS) {
      for (const mode of ['transaction', 'session'] as const) {
        it(`${emitter.name} behind a ${mode}-mode pooler compiles`, async () => {
          const emitted = EMITTER_BY_NAME[emitter.name]({
            workload: 'test',
            pool: OLTP_33,
            behindPooler: mode,
            role: 'app',
          });
          const result = await check(
            emitter,
            emitted.code,
            `--emit ${emitter.name}, --behind-pooler ${mode}`,
          );
          assert.ok(
            result.ok,
            `${emitter.name} behind a ${mode}-mode pooler does not compile with ${rustcVersion}:\n${result.stderr}\n` +
              `--- wrapped source ---\n${result.source}`,
          );
          assert.doesNotMatch(result.stderr, /^warning: unused import/m, result.stderr);
        });
      }
    }

    // Proves the check bites: the same code with one method misspelt must be rejected.
    for (const emitter of RUST_EMITTERS) {
      it(`${emitter.name} with a misspelt method does not compile`, async () => {
        const { code } = EMITTER_BY_NAME[emitter.name]({ workload: 'test', pool: OLTP_33 });
        assert.ok(code.includes('.min_connections('), `${emitter.name} no longer calls .min_connections(`);
        const broken = code.replace('.min_connections(', '.min_conections(');
        const result = await check(emitter, broken, `--emit ${emitter.name}, misspelt on purpose`);
        assert.equal(result.ok, false, `rustc accepted a misspelt method:\n${result.source}`);
        assert.match(result.stderr, /error\[E0599\]: no method named `min_conections`/);
      });
    }
  },
);
