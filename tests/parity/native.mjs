// The native half of the parity run: an nnw_rules_eval process fed "<operation>\t<request>"
// lines on stdin, answering one line each on stdout. Batches queue up: the caller sends the
// next batch before it waits for the current one, so the process never idles while the
// WebAssembly side is being computed.
import { spawn } from 'node:child_process';
import { StringDecoder } from 'node:string_decoder';

// A native process that stops answering (a crash that leaves the pipe open, output held in a
// buffer) fails the run instead of hanging it.
const SILENCE_MS_MAX = 60_000;

export class NativeEvaluator {
  #child;
  #decoder = new StringDecoder('utf8');
  #partial = '';
  #queue = []; // batches in flight, oldest first: {expected, responses, resolve, reject}
  #failure = null;
  #watchdog = null;

  constructor(executablePath) {
    this.#child = spawn(executablePath, [], { stdio: ['pipe', 'pipe', 'inherit'] });
    this.#child.stdout.on('data', (chunk) => this.#receive(this.#decoder.write(chunk)));
    this.#child.on('error', (error) => this.#fail(error));
    // 'close' comes after the last output was read ('exit' may come before).
    this.#child.on('close', (code, signal) => {
      if (this.#queue.length > 0) this.#fail(new Error(`${executablePath} exited (${signal ?? code}) mid-batch`));
    });
    this.#child.stdin.on('error', (error) => this.#fail(error));
  }

  // The responses to `requests` ([{operation, text}]), in order.
  evaluate(requests) {
    const failed = this.#failure !== null;
    const promise = failed ? Promise.reject(this.#failure) : new Promise((resolve, reject) => {
      this.#queue.push({ expected: requests.length, responses: [], resolve, reject });
    });
    // The caller awaits a batch only after queueing the next one, or not at all once the run
    // has failed: neither may count as an unhandled rejection, which Emscripten's Node glue
    // turns into a crash.
    promise.catch(() => {});
    if (!failed) {
      this.#armWatchdog();
      this.#child.stdin.write(requests.map(({ operation, text }) => `${operation}\t${text}\n`).join(''));
    }
    return promise;
  }

  close() {
    clearTimeout(this.#watchdog);
    this.#child.stdin.end();
  }

  #receive(chunk) {
    const lines = (this.#partial + chunk).split('\n');
    this.#partial = lines.pop();
    for (const line of lines) {
      const batch = this.#queue[0];
      if (batch === undefined) {
        this.#fail(new Error('native output arrived with no batch in flight'));
        return;
      }
      batch.responses.push(line);
      if (batch.responses.length === batch.expected) {
        this.#queue.shift();
        batch.resolve(batch.responses);
      }
    }
    this.#armWatchdog();
  }

  #armWatchdog() {
    clearTimeout(this.#watchdog);
    if (this.#queue.length === 0) return;
    this.#watchdog = setTimeout(() => {
      this.#fail(new Error(`no native answer for ${SILENCE_MS_MAX} ms (${this.#queue.length} batches waiting)`));
    }, SILENCE_MS_MAX);
  }

  #fail(error) {
    this.#failure ??= error;
    clearTimeout(this.#watchdog);
    for (const batch of this.#queue.splice(0)) batch.reject(error);
  }
}
