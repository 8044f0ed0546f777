jest.setTimeout(60_000); // integration suites start a real service stack
