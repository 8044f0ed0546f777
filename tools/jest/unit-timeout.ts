// A unit spec needs no services, but `npm test` runs the unit tier beside the integration and system
// tiers on two cores: a property test of 2,000 runs that takes 1.5 s alone took over 5 s (jest's
// default) on a loaded CI run, and failed with nothing wrong. A hang still fails, after 30 s.
jest.setTimeout(30_000);
