#!/usr/bin/env python3
"""Generate src/cmd/spec.rs from Redis's command specification JSON files.

Usage: python3 tools/gen_command_specs.py [path/to/redis-commands]

Only facts are carried over (names, arity, flags, ACL categories, key specs, argument
structure, tips, group, since). Summaries, complexity notes and history prose are not.
"""
import json, glob, os, sys

src = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), '..', '..', 'shared', 'redis-commands')
out = os.path.join(os.path.dirname(__file__), '..', 'src', 'cmd', 'spec.rs')

def rs(s):
    return json.dumps(s)

cmds = []
for f in sorted(glob.glob(os.path.join(src, '*.json'))):
    d = json.load(open(f))
    for name, c in d.items():
        cmds.append((name, c))

# Commands and options newer than the specification files (Valkey 8.1 / 9.0), described
# here in the same shape.
EXTRA = {
    'DELIFEQ': {
        'group': 'string', 'since': '9.0.0', 'arity': 3,
        'command_flags': ['WRITE', 'FAST'], 'acl_categories': ['STRING'],
        'key_specs': [{'flags': ['RW', 'DELETE'], 'begin_search': {'index': {'pos': 1}},
                       'find_keys': {'range': {'lastkey': 0, 'step': 1, 'limit': 0}}}],
        'arguments': [{'name': 'key', 'type': 'key', 'key_spec_index': 0},
                      {'name': 'value', 'type': 'string'}],
    },
}

# Hash-field expiration (Redis 7.4) and HGETEX/HSETEX/HGETDEL (Redis 8.0).
def _hash_cmd(since, arity, flags, ks_flags, args):
    return {
        'group': 'hash', 'since': since, 'arity': arity,
        'command_flags': flags, 'acl_categories': ['HASH'],
        'key_specs': [{'flags': ks_flags, 'begin_search': {'index': {'pos': 1}},
                       'find_keys': {'range': {'lastkey': 0, 'step': 1, 'limit': 0}}}],
        'arguments': [{'name': 'key', 'type': 'key', 'key_spec_index': 0}] + args,
    }

_FIELDS = {'name': 'fields', 'token': 'FIELDS', 'type': 'block', 'arguments': [
    {'name': 'numfields', 'type': 'integer'},
    {'name': 'field', 'type': 'string', 'multiple': True}]}
_EXPIRE_COND = {'name': 'condition', 'type': 'oneof', 'optional': True, 'arguments': [
    {'name': n.lower(), 'type': 'pure-token', 'token': n} for n in ('NX', 'XX', 'GT', 'LT')]}

for _name, _arg, _type in (('HEXPIRE', 'seconds', 'integer'), ('HPEXPIRE', 'milliseconds', 'integer'),
                           ('HEXPIREAT', 'unix-time-seconds', 'unix-time'),
                           ('HPEXPIREAT', 'unix-time-milliseconds', 'unix-time')):
    EXTRA[_name] = _hash_cmd('7.4.0', -6, ['WRITE', 'DENYOOM', 'FAST'], ['RW', 'UPDATE'],
                             [{'name': _arg, 'type': _type}, _EXPIRE_COND, _FIELDS])
for _name in ('HTTL', 'HPTTL', 'HEXPIRETIME', 'HPEXPIRETIME'):
    EXTRA[_name] = _hash_cmd('7.4.0', -5, ['READONLY', 'FAST'], ['RO', 'ACCESS'], [_FIELDS])
EXTRA['HPERSIST'] = _hash_cmd('7.4.0', -5, ['WRITE', 'FAST'], ['RW', 'UPDATE'], [_FIELDS])
EXTRA['HGETDEL'] = _hash_cmd('8.0.0', -5, ['WRITE', 'FAST'], ['RW', 'ACCESS', 'DELETE'], [_FIELDS])
EXTRA['HGETEX'] = _hash_cmd('8.0.0', -5, ['WRITE', 'FAST'], ['RW', 'ACCESS', 'UPDATE'], [
    {'name': 'expiration', 'type': 'oneof', 'optional': True, 'arguments': [
        {'name': 'seconds', 'type': 'integer', 'token': 'EX'},
        {'name': 'milliseconds', 'type': 'integer', 'token': 'PX'},
        {'name': 'unix-time-seconds', 'type': 'unix-time', 'token': 'EXAT'},
        {'name': 'unix-time-milliseconds', 'type': 'unix-time', 'token': 'PXAT'},
        {'name': 'persist', 'type': 'pure-token', 'token': 'PERSIST'}]},
    _FIELDS])
EXTRA['HSETEX'] = _hash_cmd('8.0.0', -6, ['WRITE', 'DENYOOM', 'FAST'], ['RW', 'UPDATE'], [
    {'name': 'condition', 'type': 'oneof', 'optional': True, 'arguments': [
        {'name': 'fnx', 'type': 'pure-token', 'token': 'FNX'},
        {'name': 'fxx', 'type': 'pure-token', 'token': 'FXX'}]},
    {'name': 'expiration', 'type': 'oneof', 'optional': True, 'arguments': [
        {'name': 'seconds', 'type': 'integer', 'token': 'EX'},
        {'name': 'milliseconds', 'type': 'integer', 'token': 'PX'},
        {'name': 'unix-time-seconds', 'type': 'unix-time', 'token': 'EXAT'},
        {'name': 'unix-time-milliseconds', 'type': 'unix-time', 'token': 'PXAT'},
        {'name': 'keepttl', 'type': 'pure-token', 'token': 'KEEPTTL'}]},
    {'name': 'fields', 'token': 'FIELDS', 'type': 'block', 'arguments': [
        {'name': 'numfields', 'type': 'integer'},
        {'name': 'data', 'type': 'block', 'multiple': True, 'arguments': [
            {'name': 'field', 'type': 'string'}, {'name': 'value', 'type': 'string'}]}]}])

def patch(cmds):
    names = {n for n, _ in cmds}
    for n, c in EXTRA.items():
        if n not in names:
            cmds.append((n, c))
    for n, c in cmds:
        if n == 'SET' and 'container' not in c:
            for a in c['arguments']:
                if a['name'] == 'condition' and not any(x['name'] == 'ifeq' for x in a['arguments']):
                    a['arguments'].append({'name': 'comparison-value', 'type': 'string', 'token': 'IFEQ', 'since': '8.1.0'})

patch(cmds)

def arg(a, ind):
    p = ' ' * ind
    parts = [f'name: {rs(a["name"])}', f'kind: ArgKind::{kind(a["type"])}']
    parts.append(f'token: {opt(a.get("token"))}')
    parts.append(f'display: {opt(a.get("display"))}')
    parts.append(f'key_spec_index: {a.get("key_spec_index", -1)}')
    parts.append(f'optional: {str(bool(a.get("optional"))).lower()}')
    parts.append(f'multiple: {str(bool(a.get("multiple"))).lower()}')
    parts.append(f'multiple_token: {str(bool(a.get("multiple_token"))).lower()}')
    parts.append(f'since: {opt(a.get("since"))}')
    parts.append(f'deprecated_since: {opt(a.get("deprecated_since"))}')
    subs = a.get('arguments', [])
    if subs:
        parts.append('args: &[\n' + ''.join(arg(s, ind + 4) for s in subs) + p + ']')
    else:
        parts.append('args: &[]')
    return p + 'Arg { ' + ', '.join(parts) + ' },\n'

def kind(t):
    return {'key': 'Key', 'string': 'String', 'integer': 'Integer', 'double': 'Double', 'pattern': 'Pattern',
            'unix-time': 'UnixTime', 'pure-token': 'PureToken', 'oneof': 'OneOf', 'block': 'Block'}[t]

def opt(v):
    return 'None' if v is None else f'Some({rs(v)})'

def keyspec(k):
    bs = k['begin_search']
    if 'index' in bs:
        b = f'BeginSearch::Index({bs["index"]["pos"]})'
    elif 'keyword' in bs:
        b = f'BeginSearch::Keyword {{ keyword: {rs(bs["keyword"]["keyword"])}, startfrom: {bs["keyword"]["startfrom"]} }}'
    else:
        b = 'BeginSearch::Unknown'
    fk = k['find_keys']
    if 'range' in fk:
        r = fk['range']
        f = f'FindKeys::Range {{ lastkey: {r["lastkey"]}, step: {r["step"]}, limit: {r["limit"]} }}'
    elif 'keynum' in fk:
        r = fk['keynum']
        f = f'FindKeys::Keynum {{ keynumidx: {r["keynumidx"]}, firstkey: {r["firstkey"]}, step: {r["step"]} }}'
    else:
        f = 'FindKeys::Unknown'
    flags = ', '.join(rs(x) for x in k.get('flags', []))
    return f'KeySpec {{ flags: &[{flags}], begin: {b}, find: {f} }}'

lines = ['// @generated by tools/gen_command_specs.py from Redis command specifications (data only).',
         '// Do not edit by hand; rerun the generator instead.',
         '#![allow(clippy::all)]',
         'use super::spec_types::*;', '',
         '// The argument trees only serve COMMAND DOCS. The wasm build (the npm package) leaves',
         '// them out to keep the .wasm small: there COMMAND DOCS lists no arguments.',
         '#[cfg(not(target_arch = "wasm32"))]',
         'macro_rules! doc_args {',
         '    ($a:expr) => {',
         '        $a',
         '    };',
         '}',
         '#[cfg(target_arch = "wasm32")]',
         'macro_rules! doc_args {',
         '    ($a:expr) => {',
         '        &[]',
         '    };',
         '}', '',
         ]
# Groups and versions are one-byte indices into tables (`CommandSpec::group_name`,
# `since_version`, `deprecated_in`) rather than a string reference per spec.
vkey = lambda v: tuple(int(x) for x in v.split('.'))
vconst = lambda v: 'V_' + v.replace('.', '_')
groups = sorted({c['group'] for _, c in cmds})
versions = sorted({c['since'] for _, c in cmds} | {c['deprecated_since'] for _, c in cmds if c.get('deprecated_since')}, key=vkey)
lines += ['// Command groups and versions are indices into these tables (`CommandSpec::group_name`,',
          '// `since`, `deprecated_since`): one byte per spec instead of a string reference.',
          'pub static GROUPS: &[&str] = &[' + ', '.join(rs(g) for g in groups) + '];']
lines += [f'const G_{g.upper()}: u8 = {i};' for i, g in enumerate(groups)]
lines += ['pub static VERSIONS: &[&str] = &["", ' + ', '.join(rs(v) for v in versions) + '];',
          'const NOT_DEPRECATED: u8 = 0;']
lines += [f'const {vconst(v)}: u8 = {i + 1};' for i, v in enumerate(versions)]
lines += ['', 'pub static SPECS: &[CommandSpec] = &[']
for name, c in sorted(cmds, key=lambda x: ((x[1].get('container', '') + '|' if x[1].get('container') else '') + x[0]).lower()):
    full = ((c['container'] + '|') if c.get('container') else '') + name
    flags = ' | '.join('F_' + x for x in c.get('command_flags', [])) or '0'
    acl = ' | '.join('C_' + x for x in c.get('acl_categories', [])) or '0'
    tips = ', '.join(rs(x.lower()) for x in c.get('command_tips', []))
    docflags = ', '.join(rs(x.lower()) for x in c.get('doc_flags', []))
    ks = ', '.join(keyspec(k) for k in c.get('key_specs', []))
    lines.append('    CommandSpec {')
    lines.append(f'        name: {rs(full.lower())},')
    lines.append(f'        group: G_{c["group"].upper()},')
    lines.append(f'        since: {vconst(c["since"])},')
    lines.append(f'        arity: {c["arity"]},')
    lines.append(f'        flags: {flags},')
    lines.append(f'        acl: {acl},')
    lines.append(f'        tips: &[{tips}],')
    lines.append(f'        doc_flags: &[{docflags}],')
    dep = c.get('deprecated_since')
    lines.append(f'        deprecated_since: {vconst(dep) if dep else "NOT_DEPRECATED"},')
    lines.append(f'        movable_keys: {str("get_keys_function" in c).lower()},')
    lines.append(f'        key_specs: &[{ks}],')
    a = c.get('arguments', [])
    if a:
        lines.append('        args: doc_args!(&[\n' + ''.join(arg(x, 12) for x in a) + '        ]),')
    else:
        lines.append('        args: &[],')
    lines.append('    },')
lines.append('];')
open(out, 'w').write('\n'.join(lines) + '\n')
print(f'wrote {len(cmds)} specs to {out}')
