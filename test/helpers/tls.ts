/**
 * Throwaway certificates for the TLS tests, made with the `openssl` command: a CA, server certificates it
 * signs, and a second CA that has nothing to do with them. EC keys (P-256) keep the generation quick.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface TestCertificates {
  readonly dir: string;
  /** The CA that signed both server certificates (PEM file). */
  readonly caFile: string;
  /** A CA that signed nothing here: verifying a server with it must fail. */
  readonly otherCaFile: string;
  /** For CN `localhost`, SAN DNS:localhost and IP:127.0.0.1. */
  readonly server: { readonly certFile: string; readonly keyFile: string };
  /** For CN `localhost`, SAN DNS:localhost only: 127.0.0.1 does not match it. */
  readonly localhostOnly: { readonly certFile: string; readonly keyFile: string };
  remove(): Promise<void>;
}

async function openssl(args: string[], cwd: string): Promise<void> {
  try {
    await run('openssl', args, { cwd, timeout: 30_000 });
  } catch (error) {
    const e = error as NodeJS.ErrnoException & { stderr?: string };
    if (e.code === 'ENOENT') {
      throw new Error(
        'the TLS tests need the `openssl` command to make their certificates, and it is not installed ' +
          '(Debian: apt-get install openssl)',
      );
    }
    throw new Error(`openssl ${args[0]} failed: ${e.stderr ?? e.message}`);
  }
}

const EC_KEY = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

async function makeCa(dir: string, name: string, cn: string): Promise<string> {
  await openssl(
    [
      'req',
      '-x509',
      ...EC_KEY,
      '-keyout',
      `${name}.key`,
      '-out',
      `${name}.crt`,
      '-days',
      '2',
      '-subj',
      `/CN=${cn}`,
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign',
    ],
    dir,
  );
  return join(dir, `${name}.crt`);
}

async function makeServerCert(
  dir: string,
  name: string,
  ca: string,
  altNames: string,
): Promise<{ certFile: string; keyFile: string }> {
  await openssl(
    ['req', ...EC_KEY, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', '/CN=localhost'],
    dir,
  );
  await writeFile(
    join(dir, `${name}.ext`),
    [
      `subjectAltName = ${altNames}`,
      'basicConstraints = critical, CA:FALSE',
      'keyUsage = critical, digitalSignature',
      'extendedKeyUsage = serverAuth',
      '',
    ].join('\n'),
  );
  await openssl(
    [
      'x509',
      '-req',
      '-in',
      `${name}.csr`,
      '-CA',
      `${ca}.crt`,
      '-CAkey',
      `${ca}.key`,
      '-set_serial',
      String(Date.now()),
      '-days',
      '2',
      '-extfile',
      `${name}.ext`,
      '-out',
      `${name}.crt`,
    ],
    dir,
  );
  return { certFile: join(dir, `${name}.crt`), keyFile: join(dir, `${name}.key`) };
}

/** Makes the CA, the two server certificates and the unrelated CA in a fresh temporary folder. */
export async function makeTestCertificates(): Promise<TestCertificates> {
  const dir = await mkdtemp(join(tmpdir(), 'pooltune-tls-'));
  try {
    const caFile = await makeCa(dir, 'ca', 'pooltune test CA');
    const otherCaFile = await makeCa(dir, 'other-ca', 'pooltune unrelated CA');
    const server = await makeServerCert(dir, 'server', 'ca', 'DNS:localhost, IP:127.0.0.1');
    const localhostOnly = await makeServerCert(dir, 'localhost-only', 'ca', 'DNS:localhost');
    return {
      dir,
      caFile,
      otherCaFile,
      server,
      localhostOnly,
      remove: () => rm(dir, { recursive: true, force: true }),
    };
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}
