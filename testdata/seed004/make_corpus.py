#!/usr/bin/env python3
# Regenerates testdata/seed004/*.cfg from seed 004 (README.md here says what it changes).
# Run from anywhere: python3 testdata/seed004/make_corpus.py
import os, re, glob
src = glob.glob('/work/shared/seeds/004_*.txt')[0]
t = open(src).read().split('\n')
blocks = []; cur = []; inb = False; start = 0
for i, l in enumerate(t):
    if l.startswith('```'):
        if inb: blocks.append((start, cur)); cur = []; inb = False
        else: inb = True; start = i + 1
    elif inb: cur.append(l)

ADDR = [  # IOS example address -> test range (order matters: longest first)
    ('192.168.0.0 0.0.255.255', '198.18.0.0 0.1.255.255'),
    ('10.0.0.0 255.255.0.0', '198.18.0.0 255.255.0.0'),
    ('192.168.244.123', '192.0.2.123'),
    ('172.168.1.1', '192.0.2.168'),
    ('172.16.1.', '203.0.113.'), ('172.16.2.', '198.51.100.'), ('172.16.0.', '192.0.2.'),
    ('10.0.', '198.18.'), ('10.2.', '198.19.'),
]
def addr(l):
    for a, b in ADDR: l = l.replace(a, b)
    return l

# block -> (name, {line substitutions or drops}, extra lines before, placeholder note, interface map)
MAP_E00 = 'platform interface-map Ethernet0/0 eth0'
spec = {
 1: ('p2p-virtual-template', {}, [], ''),
 3: ('static-p2p-client-tunnel', {'tunnel destination <server-address>': 'tunnel destination 192.0.2.1'}, [MAP_E00], ''),
 4: ('vt-tunnel-mode-ipsec', {'  tunnel mode ipsec {ipv4 | ipv6}  ': '  tunnel mode ipsec ipv4  '}, [], '{ipv4 | ipv6}: ipv4 chosen'),
 5: ('vt-tunnel-mode-gre', {'  tunnel mode gre {ip | ipv6}  ': '  tunnel mode gre ip  '}, [], '{ip | ipv6}: ip chosen'),
 6: ('building-blocks-profile', {}, [], ''),
 7: ('building-blocks-vt', {}, [], ''),
 8: ('ipv6-over-ipv4-r1', {}, ['platform interface-map FastEthernet0/0 eth0', 'platform interface-map Ethernet0/0 eth1'], ''),
 9: ('ipv6-over-ipv4-r2', {}, ['platform interface-map FastEthernet0/0 eth0', 'platform interface-map Ethernet0/0 eth1'], ''),
 10: ('profile-syntax', {}, [], '[optional] lines kept without brackets, <key> -> key cisco123, <trustpoint_name> -> root'),
 11: ('smart-defaults-modified', {}, [], ''),
 16: ('transform-set-default', {}, [], ''),
 17: ('ipsec-profile-default', {}, [], ''),
 18: ('vt-tunnel-protection', {}, [], ''),
 19: ('static-tunnel', {}, [MAP_E00], ''),
 20: ('tunnel-protection-overview', {}, [MAP_E00], ''),
 21: ('modify-defaults', {}, [], ''),
 22: ('restore-defaults', {}, [], ''),
 23: ('disable-defaults', {}, [], ''),
 28: ('eap-query-identity', {}, [], ''),
 30: ('ldap-aaa', {}, [], ''),
 31: ('anyconnect-eap-ldap', {}, [], ''),
 33: ('anyconnect-eap-aggregate', {}, [], ''),
 34: ('authorization-policy-eng', {}, [], ''),
 35: ('aaa-attribute-list', {}, [], ''),
 37: ('authorization-pool', {}, [], ''),
 39: ('authorization-dhcp', {}, [], ''),
 42: ('attribute-list-it', {}, ['aaa new-model'], 'none; aaa new-model added (IOS takes aaa lines only after it; block 72 shows it)'),
 43: ('cert-profile-it', {}, [], ''),
 44: ('pool-loopback-vt', {}, [], ''),
 45: ('radius-accounting', {}, [], ''),
 50: ('anyconnect-reconnect', {'reconnect [timeout <seconds>]': 'reconnect timeout 600'}, [], '[timeout <seconds>] -> timeout 600'),
 53: ('cert-name-mangler', {}, [], ''),
 55: ('eap-radius-users', {}, [], ''),
 57: ('transform-set-aes256', {}, [], ''),
 58: ('cert-name-mangler-truncated', {}, [], ''),
 60: ('eap-profile-local', {'    pki trustpoint root [sign]': '    pki trustpoint root sign'}, [], '[sign] kept as sign'),
 61: ('match-email-domain', {}, ['crypto ikev2 profile default'], 'a profile line fragment: its parent line added'),
 62: ('match-address-any', {}, ['crypto ikev2 profile default'], 'a profile line fragment: its parent line added'),
 63: ('eap-query-identity-frag', {}, ['crypto ikev2 profile default'], 'a profile line fragment: its parent line added'),
 64: ('eap-group-authorization', {'aaa authorization group eap list here ...  ': 'aaa authorization group eap list frad name-mangler domain', '... name-mangler domain': None},
      ['crypto ikev2 profile default'], 'a profile line fragment: its parent line added; "list here ... / ... name-mangler domain" -> list frad name-mangler domain'),
 65: ('eap-address-any', {}, [], ''),
 72: ('flexvpn-client-cert', {}, [MAP_E00], ''),
 73: ('flexvpn-client-backup', {}, ['aaa new-model', 'platform interface-map FastEthernet0/0 eth0'], 'none; aaa new-model added (IOS takes aaa lines only after it; block 72 shows it)'),
 74: ('flexvpn-peer-syntax', {'peer <n> <ip>': 'peer 1 192.0.2.1', 'peer <n> <ip> track <x>': 'peer 2 192.0.2.2 track 1',
      'peer <n> <fqdn> [dynamic [ipv6]]': 'peer 3 fqdn hub.cisco.com dynamic ipv6', 'peer <n> <fqdn> [dynamic ...] track <x>': 'peer 4 fqdn hub2.cisco.com dynamic track 2'},
      ['crypto ikev2 client flexvpn default'], 'client lines: parent line added; <n> <ip> <x> filled in, <fqdn> -> fqdn NAME (the IOS syntax)'),
 75: ('route-set-access-list', {}, [], ''),
 77: ('route-set-remote', {}, ['crypto ikev2 authorization policy default'], 'policy line fragment: its parent line added'),
 79: ('loopback-vt', {}, [], ''),
 80: ('keyring-any-peer', {}, ['crypto ikev2 keyring default'], 'keyring lines: parent line added'),
 81: ('identity-local-fqdn', {}, [], ''),
 82: ('keyring-aaa', {}, [], ''),
 83: ('hub-profile', {}, [], ''),
 84: ('hub-vt-loopback', {}, [], ''),
 85: ('spoke-profile', {}, [], ''),
 86: ('spoke-route-set-interface', {}, ['platform interface-map Ethernet0/1 eth1'], ''),
 87: ('spoke-tunnel', {}, [MAP_E00], ''),
 88: ('load-balancer-hub', {}, [], ''),
 89: ('load-balancer-hub-interfaces', {}, [MAP_E00, 'platform interface-map Ethernet1/0 eth1'], ''),
 90: ('load-balancer-client', {}, [], ''),
 91: ('load-balancer-client-tunnel', {}, [MAP_E00], ''),
}
dups = {25: 1, 26: 3, 51: 50, 52: 50, 67: 65, 69: 65}
out = os.path.dirname(os.path.abspath(__file__)) + '/'
for k, (name, subs, pre, note) in spec.items():
    s, lines = blocks[k]
    body = []
    dropped = []
    for l in lines:
        if l in subs:
            if subs[l] is None: continue
            l = subs[l]
        if l.strip() == '...':
            dropped.append('...'); continue
        if k == 10:
            l = re.sub(r'\[(.*)\]', r'\1', l).replace('<key>', 'key cisco123').replace('<trustpoint_name>', 'root')
        body.append(addr(l))
    while body and not body[0].strip(): body.pop(0)
    while body and not body[-1].strip(): body.pop()
    moved = any(addr(l) != l for l in lines)
    hdr = [f'! seed 004, block {k} (line {s} of the seed): {name}.' + (f' Same as blocks {", ".join(str(d) for d,v in dups.items() if v==k)}.' if k in dups.values() else '')]
    hdr.append('! Addresses moved to the test ranges.' if moved else '! No addresses to move.')
    if dropped: hdr.append('! "..." lines dropped (elided text in the seed).')
    if note: hdr.append('! Placeholders: ' + note + '.')
    if pre:
        hdr.append('! Added: ' + '; '.join(pre) + '.')
    open(f'{out}{k:02d}-{name}.cfg', 'w').write('\n'.join(hdr + pre + body) + '\n')
print(len(spec))
