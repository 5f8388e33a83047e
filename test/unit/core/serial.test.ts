import { expect } from 'chai';
import { nextSerial, serialGreater } from '../../../src/core/serial.js';

describe('core/serial (RFC 1982)', () => {
  const greater: Array<[number, number, boolean]> = [
    [2, 1, true],
    [1, 2, false],
    [1, 1, false],
    [1760000123, 2024010101, false],
    [2024010101, 1760000123, true],
    [5, 4294967295, true], // wrapped: 5 comes after 2^32 - 1
    [4294967295, 5, false],
    [0, 4294967295, true],
    [2 ** 31 - 1, 0, true],
    [2 ** 31, 0, false], // exactly 2^31 apart: undefined, answers false both ways
    [0, 2 ** 31, false],
  ];
  for (const [a, b, expected] of greater) {
    it(`says ${a} is ${expected ? '' : 'not '}newer than ${b}`, () => {
      expect(serialGreater(a, b)).to.equal(expected);
    });
  }

  const next: Array<[number, number]> = [
    [1, 2],
    [1760000123, 1760000124],
    [4294967294, 4294967295],
    [4294967295, 1], // wraps and skips 0
    [0, 1],
  ];
  for (const [current, expected] of next) {
    it(`increments ${current} to ${expected}`, () => {
      expect(nextSerial(current)).to.equal(expected);
      expect(serialGreater(nextSerial(current), current)).to.equal(true);
    });
  }
});
