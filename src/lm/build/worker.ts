/**
 * Worker thread for `lm build`: encodes its share of the corpus (pass 1), then counts the n-grams of that
 * share (pass 2), spilling every table to run files so that only file names travel back.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { type CountSpec, countStream, StreamEncoder } from './encode.js';

export type WorkerRequest =
  | { type: 'encode'; text: string }
  | { type: 'finish' }
  | { type: 'count'; map: Int32Array; spec: CountSpec };

export type WorkerReply =
  | { type: 'encoded' }
  | { type: 'vocab'; words: string[]; counts: number[]; tokens: number; sentences: number }
  | { type: 'runs'; runs: string[][] }
  | { type: 'error'; message: string };

const port = parentPort;
if (port) {
  const streamPath = (workerData as { streamPath: string }).streamPath;
  const encoder = new StreamEncoder(streamPath);
  port.on('message', (msg: WorkerRequest) => {
    try {
      if (msg.type === 'encode') {
        encoder.encode(msg.text);
        port.postMessage({ type: 'encoded' } satisfies WorkerReply);
      } else if (msg.type === 'finish') {
        port.postMessage({ type: 'vocab', ...encoder.finish() } satisfies WorkerReply);
      } else {
        const counters = countStream(streamPath, msg.map, msg.spec);
        for (const c of counters) c.spill();
        port.postMessage({ type: 'runs', runs: counters.map((c) => c.runs) } satisfies WorkerReply);
      }
    } catch (err) {
      port.postMessage({ type: 'error', message: (err as Error).message } satisfies WorkerReply);
    }
  });
}
