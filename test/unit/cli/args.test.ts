import { expect } from 'chai';
import { commandHelp, parseCliArgs, UsageError, USAGE } from '../../../src/cli/args.js';

describe('cli/args', () => {
  it('parses approve ZONE PLAN-ID, plan --out and sync --plan', () => {
    expect(parseCliArgs(['approve', 'example.com', '3fa9c0e1b2d4']).approve).to.deep.equal({ zone: 'example.com', planId: '3fa9c0e1b2d4' });
    expect(parseCliArgs(['plan', '--out', 'p.json']).out).to.equal('p.json');
    expect(parseCliArgs(['sync', '--plan', 'p.json']).planFile).to.equal('p.json');
    expect(parseCliArgs(['history', '--zone', 'example.com', '--limit', '5'])).to.include({ command: 'history', limit: 5 });
  });

  it('gives each command its own help, from --help or help COMMAND', () => {
    expect(parseCliArgs(['sync', '--help'])).to.include({ command: 'help', helpFor: 'sync' });
    expect(parseCliArgs(['help', 'approve'])).to.include({ command: 'help', helpFor: 'approve' });
    const sync = commandHelp('sync');
    expect(sync).to.match(/^Usage: netbox-pdns sync /);
    expect(sync).to.include('--plan FILE').and.include('Examples:');
    expect(sync).to.not.include('--out FILE');
    expect(commandHelp('approve')).to.include('netbox-pdns approve hand.example. 3fa9c0e1b2d4');
    expect(USAGE).to.match(/^ {2}approve\b/m).and.match(/^ {2}history\b/m);
  });

  it('refuses what does not apply to a command, naming the command (its help is printed)', () => {
    const refused = (argv: string[]): UsageError => {
      try {
        parseCliArgs(argv);
      } catch (e) {
        return e as UsageError;
      }
      throw new Error(`accepted ${argv.join(' ')}`);
    };
    expect(refused([]).message).to.equal('no command given');
    expect(refused(['plan', '--force'])).to.include({ message: '--force does not apply to plan', command: 'plan' });
    expect(refused(['approve', 'example.com'])).to.include({ message: 'missing PLAN-ID', command: 'approve' });
    expect(refused(['sync', '--plan', 'f', '--zone', 'a']).command).to.equal('sync');
    expect(refused(['history', '--limit', '0']).message).to.match(/--limit "0"/);
    expect(refused(['frobnicate']).message).to.equal('unknown command: frobnicate');
  });
});
