jest.setTimeout(180_000); // system suites start every app as its own process
