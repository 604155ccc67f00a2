# Sourced by tests/e2e/run.sh for each demo: the kernel's side of its story.
if python3 "$here/kernel.py" "$demo" "$out/$demo.json"; then
	pass "$demo: kernel story"
else
	fail "$demo: kernel story"
fi
