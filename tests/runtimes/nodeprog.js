// nodeprog: node under a tool: a worker thread, a signal with a handler,
// child processes (execSync, spawnSync), file I/O and timers.  Its
// scratch file is argv[2].  Prints only what does not depend on timing.
const cp = require('child_process');
const fs = require('fs');
const { Worker, isMainThread, parentPort } = require('worker_threads');

if (!isMainThread) {
	let sum = 0;
	for (let i = 0; i < 100000; i++)
		sum += i;
	parentPort.postMessage(sum);
	return;
}

process.on('SIGUSR2', () => { console.log('got SIGUSR2'); });
process.kill(process.pid, 'SIGUSR2');
console.log(cp.execSync('echo from a child; exit 0').toString().trim());
console.log('status', cp.spawnSync('/bin/sh', ['-c', 'exit 3']).status);
fs.writeFileSync(process.argv[2], 'x'.repeat(100000));
console.log(fs.readFileSync(process.argv[2]).length);
const w = new Worker(__filename);
w.on('message', (m) => { console.log('worker', m); });
w.on('exit', (c) => { setTimeout(() => { console.log('worker exit', c); }, 50); });
