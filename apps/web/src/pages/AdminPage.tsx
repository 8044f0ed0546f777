import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { gql, openQueueBoard } from '../api';
import { ErrorBox } from '../components';

interface User {
  id: string;
  username: string;
  role: string;
  active: boolean;
}

export default function AdminPage() {
  const [users, setUsers] = useState<User[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const [form, setForm] = useState({ username: '', password: '', role: 'OPERATOR' });
  const [rig, setRig] = useState({ name: '', stationCode: '' });
  const [equipment, setEquipment] = useState('');
  const [stations, setStations] = useState<{ code: string; operation: string }[]>([]);
  const load = useCallback(() => {
    gql<{ users: User[]; stations: { code: string; operation: string }[] }>(
      '{ users { id username role active } stations { code operation } }',
    ).then(
      (d) => {
        setUsers(d.users);
        setStations(d.stations);
      },
      (e: Error) => setError(e.message),
    );
  }, []);
  useEffect(load, [load]);
  const run = async (e: FormEvent, f: () => Promise<string>) => {
    e.preventDefault();
    setError(null);
    setMessage(null);
    try {
      setMessage(await f());
      load();
    } catch (err) {
      setError((err as Error).message);
    }
  };
  return (
    <section aria-labelledby="admin-title">
      <h1 id="admin-title">Users, rigs and keys</h1>
      <ErrorBox error={error} />
      {message && (
        <p className="form-ok" role="status" data-testid="admin-message">
          {message}
        </p>
      )}
      <h2>Users</h2>
      <table className="table">
        <thead>
          <tr>
            <th scope="col">User</th>
            <th scope="col">Role</th>
            <th scope="col">Active</th>
          </tr>
        </thead>
        <tbody>
          {users.map((u) => (
            <tr key={u.id}>
              <td>{u.username}</td>
              <td>{u.role}</td>
              <td>{u.active ? 'yes' : 'no'}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <form
        className="inline-form"
        onSubmit={(e) =>
          void run(e, async () => {
            await gql('mutation($i: CreateUserInput!) { createUser(input: $i) { id } }', { i: form });
            setForm({ username: '', password: '', role: 'OPERATOR' });
            return `User ${form.username} created`;
          })
        }
      >
        <label htmlFor="nu-name">User name</label>
        <input id="nu-name" value={form.username} onChange={(e) => setForm({ ...form, username: e.target.value })} />
        <label htmlFor="nu-pass">Password</label>
        <input
          id="nu-pass"
          type="password"
          autoComplete="new-password"
          value={form.password}
          onChange={(e) => setForm({ ...form, password: e.target.value })}
        />
        <label htmlFor="nu-role">Role</label>
        <select id="nu-role" value={form.role} onChange={(e) => setForm({ ...form, role: e.target.value })}>
          {['OPERATOR', 'ENGINEER', 'ADMIN'].map((r) => (
            <option key={r}>{r}</option>
          ))}
        </select>
        <button type="submit" className="primary">
          Create user
        </button>
      </form>
      <h2>Test rigs</h2>
      <form
        className="inline-form"
        onSubmit={(e) =>
          void run(e, async () => {
            const d = await gql<{ registerRig: { rig: { id: string }; apiKey: string } }>(
              'mutation($n: String!, $s: String!) { registerRig(name: $n, stationCode: $s) { rig { id } apiKey } }',
              rig,
            );
            return `Rig ${rig.name} registered (id ${d.registerRig.rig.id}). Its API key, shown once: ${d.registerRig.apiKey}`;
          })
        }
      >
        <label htmlFor="rig-name">Rig name</label>
        <input id="rig-name" value={rig.name} onChange={(e) => setRig({ ...rig, name: e.target.value })} />
        <label htmlFor="rig-station">Station</label>
        <select id="rig-station" value={rig.stationCode} onChange={(e) => setRig({ ...rig, stationCode: e.target.value })}>
          <option value="">choose</option>
          {stations
            .filter((s) => s.operation === 'SHEET_TEST')
            .map((s) => (
              <option key={s.code}>{s.code}</option>
            ))}
        </select>
        <button type="submit" className="primary">
          Register rig
        </button>
      </form>
      <h2>Equipment keys</h2>
      <form
        className="inline-form"
        onSubmit={(e) =>
          void run(e, async () => {
            const d = await gql<{ issueEquipmentKey: { apiKey: string } }>(
              'mutation($e: String!) { issueEquipmentKey(equipmentCode: $e) { apiKey } }',
              { e: equipment.trim() },
            );
            return `New key for ${equipment} (the previous one stops working), shown once: ${d.issueEquipmentKey.apiKey}`;
          })
        }
      >
        <label htmlFor="eq-code">Equipment code</label>
        <input id="eq-code" value={equipment} onChange={(e) => setEquipment(e.target.value)} placeholder="e.g. SPT-LCO-1" />
        <button type="submit" className="primary">
          Issue key
        </button>
      </form>
      <h2>Queues</h2>
      <p>
        The binning and analytics queues (waiting, active, delayed and failed jobs; retry a failed one) in the queue dashboard.{' '}
        <button type="button" onClick={() => void openQueueBoard().catch((e: Error) => setError(e.message))}>
          Open the queue dashboard
        </button>
      </p>
    </section>
  );
}
