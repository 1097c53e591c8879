import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createProgress, formatDuration } from './progress.js';

function sink() {
  let text = '';
  const stream = new Writable({
    write(chunk, _enc, cb) {
      text += chunk.toString();
      cb();
    },
  }) as unknown as NodeJS.WriteStream;
  return { stream, text: () => text };
}

describe('progress', () => {
  it('formats durations', () => {
    expect(formatDuration(5)).toBe('0:05');
    expect(formatDuration(125)).toBe('2:05');
    expect(formatDuration(3725)).toBe('1:02:05');
    expect(formatDuration(Number.NaN)).toBe('--:--');
  });

  it('prints plain lines once per phase when not a TTY', () => {
    const s = sink();
    let now = 0;
    const p = createProgress({ stream: s.stream, tty: false, now: () => now });
    p.update({
      phase: 'sampling',
      iteration: 0,
      iterations: 4,
      condition: 0,
      conditions: 2,
      fraction: 0,
    });
    now = 1000;
    p.update({
      phase: 'sampling',
      iteration: 0,
      iterations: 4,
      condition: 0,
      conditions: 2,
      fraction: 0.25,
    });
    now = 2000;
    p.update({ phase: 'update', iteration: 0, iterations: 4, fraction: 0.5 });
    p.log('iter 1/4: done');
    expect(s.text()).toBe(
      '[trainer] iter 1/4 sampling cond 1/2 (0%, ETA --:--)\n[trainer] iter 1/4 update (12%, ETA 0:14)\niter 1/4: done\n',
    );
  });

  it('redraws one bar in place on a TTY', () => {
    const s = sink();
    let now = 0;
    const p = createProgress({ stream: s.stream, tty: true, now: () => now });
    now = 10_000;
    p.update({
      phase: 'sampling',
      iteration: 1,
      iterations: 2,
      condition: 1,
      conditions: 4,
      fraction: 0.5,
    });
    expect(s.text()).toBe(
      `\r\x1b[2Kiter 2/2 [##################------]  75% sampling cond 2/4  ETA 0:10`,
    );
    p.log('line');
    expect(s.text().endsWith('\r\x1b[2Kline\n')).toBe(true);
  });
});
