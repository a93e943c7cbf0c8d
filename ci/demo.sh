#!/bin/sh
# The main job for a newcomer: install what is missing, build, and run a
# real program under tvisor-nop (every syscall trapped and forwarded).
set -eu
src=$(cd "$(dirname "$0")/.." && pwd)
sh "$src/ci/deps.sh"
cd "$src"
./configure >/dev/null
make -s -j2
echo "== tvisor-nop -- ls -la /usr"
./tvisor-nop -- /bin/ls -la /usr
