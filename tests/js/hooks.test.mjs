// Lua-free scripting hooks in the npm package: db.registerHook / redis.call / pcall,
// FCALL / FCALL_RO / EVAL / EVALSHA, reply conversion, errors, read-only enforcement,
// atomicity and effects. Run against the packed tarball (see scripts/test-js.sh).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Cinnabar, CinnabarError } from 'cinnabar';

const open = (o = {}) => Cinnabar.open({ activeExpire: false, ...o });

test('a hook runs commands with redis.call; db.fcall, FCALL and keys/args', async () => {
  const db = await open();
  db.registerHook('incr_twice', (redis, keys, args) => {
    assert.deepEqual(keys, ['counter']);
    assert.deepEqual(args, ['5', 'extra']);
    redis.call('INCRBY', keys[0], args[0]);
    return redis.call('INCRBY', keys[0], args[0]);
  });
  assert.equal(db.fcall('incr_twice', ['counter'], [5, 'extra']), 10);
  assert.equal(db.command('FCALL', 'incr_twice', 1, 'counter', 5, 'extra'), 20);
  assert.equal(db.get('counter'), '20');
  // No keys, no args.
  db.registerHook('noargs', (redis, keys, args) => [keys.length, args.length]);
  assert.deepEqual(db.fcall('noargs'), [0, 0]);
  // Destructured call/pcall work too.
  db.registerHook('destructured', ({ call, pcall }) => [call('PING'), pcall('PING')]);
  assert.deepEqual(db.fcall('destructured'), ['PONG', 'PONG']);
  // Registering again replaces the hook.
  db.registerHook('noargs', () => 'replaced');
  assert.equal(db.fcall('noargs'), 'replaced');
  assert.throws(() => db.fcall('nope'), { message: 'ERR Function not found' });
  assert.throws(() => db.command('FCALL', 'incr_twice', 2, 'only-one'), { message: "ERR Number of keys can't be greater than number of args" });
  assert.throws(() => db.command('FCALL', 'incr_twice', -1), { message: "ERR Number of keys can't be negative" });
  db.close();
});

test('return values convert as Redis converts Lua values (documented differences aside)', async () => {
  const db = await open();
  const cases = [
    ['string', 'text', 'text'],
    ['bytes', new Uint8Array([104, 105]), 'hi'],
    ['integer', 42, 42],
    ['negative integer', -7, -7],
    ['bigint', 2n ** 40n, 2 ** 40],
    ['double', 1.5, 1.5],
    ['true', true, 1],
    ['false', false, null],
    ['null', null, null],
    ['undefined', undefined, null],
    ['status', { ok: 'FINE' }, 'FINE'],
    ['explicit double', { double: 3 }, 3],
    ['array', ['a', 1, [2, ['b']], null, true], ['a', 1, [2, ['b']], null, 1]],
    ['object → map', { a: 1, b: 'x' }, { a: 1, b: 'x' }],
    ['Map → map', new Map([['k', 'v']]), { k: 'v' }],
    ['Set → set', new Set(['only']), ['only']],
    ['empty array', [], []],
  ];
  for (const [name, value, expected] of cases) {
    db.registerHook(`ret_${name}`, () => value);
    assert.deepEqual(db.fcall(`ret_${name}`), expected, name);
  }
  // Nested errors stay error elements; {err} at top level is the FCALL's error, verbatim.
  db.registerHook('nested_err', () => ['ok', { err: 'MYCODE inner' }]);
  const [first, inner] = db.fcall('nested_err');
  assert.equal(first, 'ok');
  assert.ok(inner instanceof CinnabarError);
  assert.equal(inner.code, 'MYCODE');
  db.registerHook('err_table', () => ({ err: 'MYCODE something failed' }));
  assert.throws(() => db.fcall('err_table'), (e) => e instanceof CinnabarError && e.code === 'MYCODE' && e.message === 'MYCODE something failed');
  // CR/LF cannot reach the protocol: replaced by spaces, as Redis does.
  db.registerHook('crlf', () => ({ ok: 'two\r\nlines' }));
  assert.equal(db.fcall('crlf'), 'two  lines');
  // RESP2 sessions get a double as a bulk string and a map as a flat array.
  db.command('HELLO', 2);
  db.registerHook('dbl', () => 2.25);
  assert.equal(db.fcall('dbl'), '2.25');
  db.registerHook('map2', () => ({ a: 1 }));
  assert.deepEqual(db.fcall('map2'), ['a', 1]);
  db.close();
});

test('what has no reply form is an error reply, and the database keeps working', async () => {
  const db = await open();
  const cyc = [];
  cyc.push(cyc);
  const bad = [
    ['function', () => () => 1, 'ERR hook returned a function, which has no reply form'],
    ['symbol', () => Symbol('s'), 'ERR hook returned a symbol, which has no reply form'],
    ['huge bigint', () => 2n ** 64n, 'ERR hook returned a bigint outside the 64-bit integer range'],
    ['cycle', () => cyc, 'ERR hook return value is nested too deeply (a cycle?)'],
    ['promise', async () => 1, 'ERR a hook must be synchronous, but it returned a Promise'],
  ];
  for (const [name, fn, message] of bad) {
    db.registerHook(name, fn);
    assert.throws(() => db.fcall(name), { message }, name);
  }
  db.set('still', 'works');
  assert.equal(db.get('still'), 'works');
  db.close();
});

test('redis.call throws the command error; pcall returns it; thrown errors become the reply', async () => {
  const db = await open();
  db.set('s', 'string');
  // Uncaught: the command's error is the FCALL's reply, code and text unchanged.
  db.registerHook('uncaught', (redis) => redis.call('LPUSH', 's', 'x'));
  assert.throws(() => db.fcall('uncaught'), (e) => e instanceof CinnabarError && e.code === 'WRONGTYPE' && e.message === 'WRONGTYPE Operation against a key holding the wrong kind of value');
  // Caught inside the hook: a CinnabarError with code.
  db.registerHook('caught', (redis) => {
    try {
      redis.call('INCR', 's');
      return 'unreachable';
    } catch (e) {
      assert.ok(e instanceof CinnabarError);
      return [e.code, e.message];
    }
  });
  assert.deepEqual(db.fcall('caught'), ['ERR', 'ERR value is not an integer or out of range']);
  // pcall: the error is a value; returning it makes it the reply.
  db.registerHook('pcall_value', (redis) => {
    const e = redis.pcall('INCR', 's');
    assert.ok(e instanceof CinnabarError);
    return [e.code, redis.pcall('GET', 's')];
  });
  assert.deepEqual(db.fcall('pcall_value'), ['ERR', 'string']);
  db.registerHook('pcall_return', (redis) => redis.pcall('INCR', 's'));
  assert.throws(() => db.fcall('pcall_return'), { code: 'ERR', message: 'ERR value is not an integer or out of range' });
  // Errors of the call itself: unknown command, arity, no arguments.
  db.registerHook('unknown', (redis) => redis.pcall('NOSUCH'));
  assert.throws(() => db.fcall('unknown'), { message: 'ERR Unknown Redis command called from script' });
  db.registerHook('arity', (redis) => redis.pcall('GET'));
  assert.throws(() => db.fcall('arity'), { message: "ERR wrong number of arguments for 'get' command" });
  db.registerHook('empty', (redis) => redis.pcall());
  assert.throws(() => db.fcall('empty'), { message: 'ERR Please specify at least one argument for this redis lib call' });
  // Commands not allowed from scripts.
  db.registerHook('noscript', (redis) => redis.call('FCALL', 'empty', 0));
  assert.throws(() => db.fcall('noscript'), { message: 'ERR This Redis command is not allowed from script' });
  // A thrown JS error: "ERR <message>"; a thrown non-Error: its text.
  db.registerHook('throws', () => {
    throw new TypeError('bad input');
  });
  assert.throws(() => db.fcall('throws'), { code: 'ERR', message: 'ERR bad input' });
  db.registerHook('throws_string', () => {
    throw 'plain';
  });
  assert.throws(() => db.fcall('throws_string'), { message: 'ERR plain' });
  db.close();
});

test('read-only hooks may not write; FCALL_RO refuses write hooks', async () => {
  const db = await open();
  db.set('k', 'v');
  db.registerHook('reader', (redis, keys) => redis.call('GET', keys[0]), { readOnly: true });
  db.registerHook('sneaky', (redis) => redis.call('SET', 'k', 'changed'), { readOnly: true });
  db.registerHook('writer', (redis) => redis.call('SET', 'k', 'w'));
  assert.equal(db.fcallRo('reader', ['k']), 'v');
  assert.equal(db.fcall('reader', ['k']), 'v');
  assert.throws(() => db.fcall('sneaky'), { message: 'ERR Write commands are not allowed from read-only scripts.' });
  assert.throws(() => db.fcallRo('writer'), { message: 'ERR Can not execute a script with write flag using *_ro command.' });
  assert.equal(db.get('k'), 'v', 'nothing was written');
  // pcall in a read-only hook sees the refusal as a value.
  db.registerHook('ro_pcall', (redis) => redis.pcall('DEL', 'k').message, { readOnly: true });
  assert.equal(db.fcall('ro_pcall'), 'ERR Write commands are not allowed from read-only scripts.');
  // FUNCTION LIST shows the flag.
  const host = db.command('FUNCTION', 'LIST').find((l) => l.library_name === 'host');
  const reader = host.functions.find((f) => f.name === 'reader');
  assert.deepEqual(reader.flags, ['no-writes']);
  db.close();
});

test('atomic: nothing interleaves, effects are kept (no rollback), seen by snapshots and notifications', async () => {
  const db = await open();
  // Inside a hook, the database refuses other calls: only redis.call reaches it.
  db.registerHook('interleave', () => db.get('x'));
  assert.throws(() => db.fcall('interleave'), /running a hook: use redis.call/);
  db.registerHook('register_inside', () => db.registerHook('x', () => 1));
  assert.throws(() => db.fcall('register_inside'), /running a hook/);
  // A stashed `redis` is dead once its hook returned.
  let stash;
  db.registerHook('stash', (redis) => {
    stash = redis;
    return 1;
  });
  db.fcall('stash');
  assert.throws(() => stash.call('GET', 'x'), { message: 'ERR redis.call/pcall can only be used while its hook runs' });
  // A hook that fails midway keeps its earlier writes, like a Redis script.
  db.registerHook('half', (redis) => {
    redis.call('SET', 'first', '1');
    redis.call('LPUSH', 'first', 'boom'); // WRONGTYPE
    redis.call('SET', 'second', '2');
  });
  assert.throws(() => db.fcall('half'), { code: 'WRONGTYPE' });
  assert.equal(db.get('first'), '1');
  assert.equal(db.get('second'), null);
  // Keyspace events of the hook's writes reach subscribers after the FCALL, all of them.
  db.command('CONFIG', 'SET', 'notify-keyspace-events', 'KEA');
  const events = [];
  let during = -1;
  db.psubscribe('__keyevent@0__:*', (key, ch) => events.push([ch, key]));
  db.registerHook('transfer', (redis, [from, to], [amount]) => {
    redis.call('DECRBY', from, amount);
    redis.call('INCRBY', to, amount);
    during = events.length; // nothing delivered while the hook runs
    return [Number(redis.call('GET', from)), Number(redis.call('GET', to))];
  });
  db.mset({ a: 100, b: 0 });
  const before = db.changesSinceSave;
  assert.deepEqual(db.fcall('transfer', ['a', 'b'], [30]), [70, 30]);
  assert.equal(db.changesSinceSave - before, 2, 'both writes count as changes');
  assert.equal(during, 0);
  await Promise.resolve();
  assert.deepEqual(events.slice(-2), [
    ['__keyevent@0__:incrby', 'a'], // Redis reports DECRBY as incrby too
    ['__keyevent@0__:incrby', 'b'],
  ]);
  // A snapshot taken after the hook has its effects.
  const restored = await open({ snapshot: db.snapshot() });
  assert.deepEqual(restored.mget('a', 'b'), ['70', '30']);
  restored.close();
  // In a transaction, the hook runs inside EXEC.
  const r = db.multi().fcall('transfer', ['a', 'b'], [10]).get('a').exec();
  assert.deepEqual(r, [[60, 40], '60']);
  db.close();
});

test('EVAL / EVALSHA / SCRIPT of registered script bodies run their hook', async () => {
  const db = await open();
  const body = "return redis.call('GET', KEYS[1])";
  db.registerHook('getter', (redis, keys) => redis.call('GET', keys[0]), { readOnly: true });
  const sha = db.registerScript(body, 'getter');
  assert.equal(sha, 'd3c21d0c2b9ca22f82737626a27bcaf5d288f99f'); // SHA1 of the body, as Redis's SCRIPT LOAD
  db.set('k', 'v');
  assert.equal(db.eval(body, ['k']), 'v');
  assert.equal(db.evalsha(sha, ['k']), 'v');
  assert.equal(db.evalsha(sha.toUpperCase(), ['k']), 'v');
  assert.equal(db.evalRo(body, ['k']), 'v');
  assert.equal(db.evalshaRo(sha, ['k']), 'v');
  assert.equal(db.command('EVAL', body, 1, 'k'), 'v');
  assert.equal(db.command('SCRIPT', 'LOAD', body), sha);
  assert.deepEqual(db.command('SCRIPT', 'EXISTS', sha, 'ffff'), [1, 0]);
  // Bytes work as a body too.
  assert.equal(db.registerScript(new TextEncoder().encode(body), 'getter'), sha);
  // Anything else: a clear error naming the SHA; EVALSHA of an unknown SHA: NOSCRIPT.
  assert.throws(() => db.eval('return 1', []), (e) => e.code === 'ERR' && /no Lua interpreter/.test(e.message) && e.message.includes('e0e1f9fabfc9d4800c877a703b823ac0578ff8db'));
  assert.throws(() => db.evalsha('0000000000000000000000000000000000000000'), { code: 'NOSCRIPT' });
  db.close();
});

test('hooks with returnBuffers see bytes; built-in hooks; hooks of another database', async () => {
  const db = await open({ returnBuffers: true });
  db.registerHook('bytes', (redis, keys, args) => {
    assert.ok(keys[0] instanceof Uint8Array);
    assert.ok(args[0] instanceof Uint8Array);
    redis.call('SET', keys[0], args[0]);
    const v = redis.call('GET', keys[0]);
    assert.ok(v instanceof Uint8Array);
    return v;
  });
  assert.deepEqual(db.fcall('bytes', ['bin'], [new Uint8Array([0, 255, 10, 13])]), new Uint8Array([0, 255, 10, 13]));
  db.close();

  const a = await open();
  const b = await open();
  // The built-in library is there too.
  a.set('lock', 'token');
  assert.equal(a.fcall('cas', ['lock'], ['token', 'next']), 1);
  assert.equal(a.get('lock'), 'next');
  // A hook of one database may use another database (its own hook runs nested).
  b.registerHook('double', (redis, keys) => redis.call('INCRBY', keys[0], redis.call('GET', keys[0]) ?? 0));
  a.registerHook('mirror', (redis, keys) => {
    const v = redis.call('INCR', keys[0]);
    b.set(keys[0], v);
    const doubled = b.fcall('double', [keys[0]]);
    return [v, doubled, redis.call('GET', keys[0])];
  });
  assert.deepEqual(a.fcall('mirror', ['n']), [1, 2, '1']);
  assert.deepEqual(a.fcall('mirror', ['n']), [2, 4, '2']);
  assert.equal(b.get('n'), '4');
  a.close();
  b.close();
});

test('a panic inside a hook closes the database with a PANIC error', async () => {
  const { __panicForTests } = await import('cinnabar');
  const db = await open();
  db.registerHook('panics', () => __panicForTests(db, 'boom inside a hook'));
  assert.throws(() => db.fcall('panics'), (e) => e instanceof CinnabarError && e.code === 'PANIC' && /boom inside a hook/.test(e.message));
  assert.throws(() => db.get('a'), { code: 'PANIC' });
  // Other databases of the module keep working.
  const other = await open();
  other.registerHook('fine', (redis) => redis.call('PING'));
  assert.equal(other.fcall('fine'), 'PONG');
  other.close();
});
