import { describe, expect, it } from 'vitest';
import { formatDuration, formatInt, formatLatencyPair, formatUptime, sentence } from './format';

describe('format', () => {
  it('writes a latency pair with one unit when it can', () => {
    expect(formatLatencyPair(1.7, 65)).toBe('1.7 / 65 ms');
    expect(formatLatencyPair(80, 1100)).toBe('80 ms / 1.1 s');
    expect(formatLatencyPair(-1, -1)).toBe('—');
  });
  it('groups thousands', () => {
    expect(formatInt(1234567)).toBe('1,234,567');
    expect(formatInt(0)).toBe('0');
  });
  it('formats durations', () => {
    expect(formatDuration(7)).toBe('7s');
    expect(formatDuration(123)).toBe('2m 03s');
    expect(formatDuration(3723)).toBe('1h 02m 03s');
    expect(formatDuration(-5)).toBe('0s');
  });
  it('makes an error message a sentence', () => {
    expect(sentence('the provider closed the connection')).toBe('The provider closed the connection');
    expect(sentence('')).toBe('');
  });
  it('shows a dash for uptime when never connected', () => {
    expect(formatUptime(0, 10_000)).toBe('—');
    expect(formatUptime(10, 25_000)).toBe('15s');
  });
});
