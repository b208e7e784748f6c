import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { commandLine, shellQuote, urlWithoutPassword } from '../../src/core/command-line.js';

describe('the command line the wizard echoes', () => {
  it('quotes only what a shell would read differently, and reads back the same arguments', () => {
    assert.equal(shellQuote('--workload'), '--workload');
    assert.equal(shellQuote('./my preset.json'), "'./my preset.json'");
    assert.equal(shellQuote("it's"), `'it'\\''s'`);
    assert.equal(shellQuote('$HOME'), "'$HOME'");
    assert.equal(shellQuote(''), "''");
    const args = ['recommend', '--workload', "./a b'c $x.json", '--emit', 'env'];
    const echoed = execFileSync('sh', ['-c', `printf '%s\\n' ${commandLine(args)}`]).toString();
    assert.deepEqual(echoed.trimEnd().split('\n'), args);
  });

  it('drops the password from a URL, in the user part and as a parameter', () => {
    assert.equal(
      urlWithoutPassword('postgres://app:s3cret@db:5432/app?sslmode=require&password=other'),
      'postgres://app@db:5432/app?sslmode=require',
    );
    assert.equal(urlWithoutPassword('postgres://app@db/app'), 'postgres://app@db/app');
    assert.equal(urlWithoutPassword('not a url'), undefined);
  });
});
