# Sourced by tests/e2e/run.sh once: the kernel sampler's limits.
# sock_diag refused: the timeline is still written, with a loud source note.
if SOCKSCOPE_NO_SOCK_DIAG=1 "$bin" demo tcp-upper -o "$out/nodiag" -p "$port" >"$out/nodiag.log" 2>&1 &&
	python3 -c "
import json, sys
d = json.load(open(sys.argv[1]))
k = d['source']['kernel']
assert k['sock_diag'] == 'unavailable' and 'sock_diag' in k['note'], k
assert not [e for e in d['events'] if e['kind'] == 'kernel'], 'kernel events without sock_diag'
assert [e for e in d['events'] if e['kind'] == 'packet'], 'no packets'
" "$out/nodiag/tcp-upper.json" && grep -q "warning: sock_diag" "$out/nodiag.log"; then
	pass "kernel: without sock_diag the timeline is written with a loud note"
else
	fail "kernel: without sock_diag: $(cat "$out/nodiag.log")"
fi
# --kernel-interval 0: no sampling at all, and no kernel section.
if "$bin" demo tcp-upper -o "$out/nokernel" -p "$port" --kernel-interval 0 >/dev/null 2>&1 &&
	python3 -c "
import json, sys
d = json.load(open(sys.argv[1]))
assert 'kernel' not in d['source'] and not [e for e in d['events'] if e['kind'] in ('kernel', 'counters')]
" "$out/nokernel/tcp-upper.json"; then
	pass "kernel: --kernel-interval 0 samples nothing"
else
	fail "kernel: --kernel-interval 0"
fi
# capture -- COMMAND: the host's namespace, machine-wide counters, and only the
# sockets of the captured flows.
kport=$((port + 2))
if "$bin" capture -o "$out/kcap.json" "tcp port $kport" -- python3 -c "
import socket, time
l = socket.socket(); l.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
l.bind(('127.0.0.1', $kport)); l.listen(1)
c = socket.create_connection(('127.0.0.1', $kport)); s, _ = l.accept()
c.sendall(b'k' * 10000); time.sleep(0.05); s.recv(10000); time.sleep(0.05); c.close(); s.close()
" 2>"$out/kcap.log" && python3 -c "
import json, sys
d = json.load(open(sys.argv[1]))
assert d['source']['counters_scope'] == 'machine', d['source']
k = [e for e in d['events'] if e['kind'] == 'kernel']
assert k and all(e['flow'] for e in k), 'kernel events outside the captured flows'
assert {e['side'] for e in k} >= {'client', 'server'}, {e['side'] for e in k}
" "$out/kcap.json"; then
	pass "kernel: capture -- COMMAND samples the captured flows' sockets, counters machine-wide"
else
	fail "kernel: capture -- COMMAND: $(cat "$out/kcap.log")"
fi
# Without the right to make a namespace (no CAP_SYS_ADMIN), a demo that does not need
# one runs in the host's: its counters are machine-wide and only its own sockets are kept.
if ! command -v setpriv >/dev/null 2>&1; then
	skip "kernel: no setpriv to drop CAP_SYS_ADMIN: the host-namespace fallback is untested"
elif setpriv --bounding-set=-sys_admin --inh-caps=-sys_admin "$bin" demo tcp-upper -o "$out/hostns" \
	-p "$port" >"$out/hostns.log" 2>&1 && python3 -c "
import json, sys
d = json.load(open(sys.argv[1]))
assert d['source']['counters_scope'] == 'machine', d['source']
k = [e for e in d['events'] if e['kind'] == 'kernel']
assert k and all(e['flow'] for e in k), 'sockets of other programs in the timeline'
" "$out/hostns/tcp-upper.json"; then
	pass "kernel: without CAP_SYS_ADMIN a demo runs in the host's namespace and says so"
else
	fail "kernel: host-namespace fallback: $(cat "$out/hostns.log")"
fi
