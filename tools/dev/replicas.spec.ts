import { parseScaleArgs, replicaEnv, replicaUrlEnv } from './replicas';

const ports = { tracking: 4001, 'test-data': 4002, process: 4003, assembly: 4004 };

describe('npm start --workers --replicas', () => {
  it('starts one of each without flags', () => {
    expect(parseScaleArgs([])).toEqual({ workers: 1, replicas: 1 });
  });

  it('reads both flags, with a space or an equals sign', () => {
    expect(parseScaleArgs(['--workers', '3', '--replicas=2'])).toEqual({ workers: 3, replicas: 2 });
  });

  it('refuses a count that is not a whole number from 1 to 16, and unknown flags', () => {
    expect(() => parseScaleArgs(['--workers', '0'])).toThrow('--workers needs a whole number from 1 to 16, got "0"');
    expect(() => parseScaleArgs(['--replicas', '2.5'])).toThrow('--replicas needs a whole number from 1 to 16, got "2.5"');
    expect(() => parseScaleArgs(['--replicas'])).toThrow('--replicas needs a whole number from 1 to 16, got nothing');
    expect(() => parseScaleArgs(['--workers', '17'])).toThrow(/got "17"/);
    expect(() => parseScaleArgs(['--fast'])).toThrow('Unknown argument --fast: expected --workers N and/or --replicas M');
  });

  it('gives one replica the URLs of today', () => {
    expect(replicaUrlEnv('127.0.0.1', ports, 1).TRACKING_URL).toBe('http://127.0.0.1:4001/graphql');
  });

  it('puts replica k on its base port + 100 k, talking to replica k of the others first', () => {
    const env = replicaEnv('test-data', 1, '127.0.0.1', ports, 2);
    expect(env.TEST_DATA_PORT).toBe('4102');
    expect(env.TRACKING_URL).toBe('http://127.0.0.1:4101/graphql,http://127.0.0.1:4001/graphql');
    expect(replicaEnv('tracking', 0, '127.0.0.1', ports, 2).TRACKING_URL).toBe(
      'http://127.0.0.1:4001/graphql,http://127.0.0.1:4101/graphql',
    );
  });
});
