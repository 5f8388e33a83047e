import { expect } from 'chai';
import { createRequestCoverage } from '../../../src/reconcile/coverage.js';

describe('request coverage: events a NetBox read already answered', () => {
  it("answers a request's later events for a zone whose read started after its first event", () => {
    const coverage = createRequestCoverage();
    expect(coverage.covered('a.example.', 'r1', 10)).to.equal(false); // the first event runs
    coverage.readStarting('a.example.', 11);
    expect(coverage.covered('a.example.', 'r1', 12)).to.equal(true);
    expect(coverage.covered('b.example.', 'r1', 12)).to.equal(false); // another zone was not read
  });

  it('runs an event whose request was first seen after the read started, or in the same instant', () => {
    const coverage = createRequestCoverage();
    coverage.readStarting('a.example.', 10);
    expect(coverage.covered('a.example.', 'r2', 10)).to.equal(false);
    expect(coverage.covered('a.example.', 'r2', 11)).to.equal(false);
    coverage.readStarting('a.example.', 13);
    expect(coverage.covered('a.example.', 'r2', 14)).to.equal(true);
  });

  it('always runs events without a request id', () => {
    const coverage = createRequestCoverage();
    coverage.readStarting('a.example.', 1);
    expect(coverage.covered('a.example.', undefined, 0)).to.equal(false);
    expect(coverage.covered('a.example.', '', 0)).to.equal(false);
  });

  it('stays bounded: the oldest requests and least recently read zones are forgotten, and then run', () => {
    const coverage = createRequestCoverage({ maxRequests: 3, maxZones: 2 });
    for (let i = 0; i < 10; i++) coverage.covered('a.example.', `r${i}`, i);
    coverage.readStarting('a.example.', 20);
    coverage.readStarting('b.example.', 21);
    coverage.readStarting('c.example.', 22);
    expect(coverage.size()).to.deep.equal({ requests: 3, zones: 2 });
    expect(coverage.covered('b.example.', 'r9', 30)).to.equal(true);
    expect(coverage.covered('a.example.', 'r9', 30)).to.equal(false); // zone forgotten
    expect(coverage.covered('b.example.', 'r0', 30)).to.equal(false); // request forgotten: seen anew
  });
});
