// A steady tick load in a process of its own (the test's process is busy
// driving 100 pages, and its timers would make the load bursty):
//   node publisher.mjs PORT CHANNEL PER_SECOND   (symbols as JSON on stdin)
// Runs until SIGTERM, then prints how many ticks it published.
import { publishTicks } from './shells.mjs';

const [port, channel, rate] = process.argv.slice(2);
let input = '';
process.stdin.on('data', (d) => (input += d));
process.stdin.on('end', () => {
  const load = publishTicks(Number(port), channel, JSON.parse(input), Number(rate));
  process.on('SIGTERM', () => {
    console.log(load.stop());
    process.exit(0);
  });
});
