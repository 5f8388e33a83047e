import { expect } from 'chai';
import { Writable } from 'node:stream';
import { createLogger } from '../../../src/util/log.js';

describe('createLogger', () => {
  const capture = (): { stream: Writable; lines: string[] } => {
    const lines: string[] = [];
    const stream = new Writable({ write(chunk: Buffer, _e, done) { lines.push(...chunk.toString().split('\n').filter(Boolean)); done(); } });
    return { stream, lines };
  };

  it('counts only the lines it writes, by level (debug is not counted at level info)', () => {
    const { stream, lines } = capture();
    const counted: string[] = [];
    const logger = createLogger({ level: 'info', format: 'json', stream, onLog: (l) => counted.push(l) });
    logger.debug('hidden');
    logger.info('shown');
    logger.warn('also shown');
    expect(lines).to.have.length(2);
    expect(counted).to.deep.equal(['info', 'warn']);
  });

  it('scrubs every finished line, whatever field the secret hides in', () => {
    const { stream, lines } = capture();
    const logger = createLogger({ level: 'debug', format: 'json', stream, scrub: (l) => l.split('s3cr3t').join('***') });
    logger.warn('token s3cr3t in the message', { nested: { header: 'Bearer s3cr3t' } });
    expect(lines.join('\n')).to.not.include('s3cr3t');
    expect(lines[0]).to.include('Bearer ***');
  });
});
