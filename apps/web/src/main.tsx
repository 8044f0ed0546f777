import { lazy, StrictMode, Suspense, useEffect, useRef, useState, type ReactNode } from 'react';
import { createRoot } from 'react-dom/client';
import { loadSession, saveSession, setUnauthenticatedHandler, type Role, type Session } from './api';
import { LoginPage } from './pages/LoginPage';
import { StationPage } from './pages/StationPage';
import { DEFAULT_SHEET_METRIC, prefetchSheetMaps } from './prefetch';
import { href, useRoute } from './router';
import './styles.css';

// Engineer and admin pages load on demand: an operator's station never downloads them.
const SheetPage = lazy(() => import('./pages/SheetPage'));
const RollPage = lazy(() => import('./pages/RollPage'));
const CellPage = lazy(() => import('./pages/CellPage'));
const HoldsPage = lazy(() => import('./pages/HoldsPage'));
const YieldPage = lazy(() => import('./pages/YieldPage'));
const RuleSetsPage = lazy(() => import('./pages/RuleSetsPage'));
const AdminPage = lazy(() => import('./pages/AdminPage'));
const LabelPage = lazy(() => import('./pages/LabelPage'));
const SpcPage = lazy(() => import('./pages/SpcPage'));
const StackedPage = lazy(() => import('./pages/StackedPage'));
const CorrelationPage = lazy(() => import('./pages/CorrelationPage'));
const StackPage = lazy(() => import('./pages/StackPage'));

interface NavItem {
  path: string;
  label: string;
  roles: Role[];
}

const NAV: NavItem[] = [
  { path: 'station', label: 'Station', roles: ['OPERATOR', 'ENGINEER', 'ADMIN'] },
  { path: 'sheet', label: 'Sheets', roles: ['ENGINEER', 'ADMIN'] },
  { path: 'roll', label: 'Rolls', roles: ['ENGINEER', 'ADMIN'] },
  { path: 'yield', label: 'Yield', roles: ['ENGINEER', 'ADMIN'] },
  { path: 'spc', label: 'SPC', roles: ['ENGINEER', 'ADMIN'] },
  { path: 'stack', label: 'Stacks', roles: ['ENGINEER', 'ADMIN'] },
  { path: 'holds', label: 'Holds', roles: ['ENGINEER', 'ADMIN'] },
  { path: 'rule-sets', label: 'Rule sets & recipes', roles: ['ENGINEER', 'ADMIN'] },
  { path: 'admin', label: 'Users & rigs', roles: ['ADMIN'] },
];

/** Pages reached from other pages' links rather than the navigation, with who may open them. */
const SUB_PAGES: NavItem[] = [
  { path: 'cell', label: 'The cell page', roles: ['ENGINEER', 'ADMIN'] },
  { path: 'stacked', label: 'The stacked map', roles: ['ENGINEER', 'ADMIN'] },
  { path: 'correlation', label: 'Correlation', roles: ['ENGINEER', 'ADMIN'] },
];

/** Where each role starts after signing in. */
const HOME: Record<Role, string> = { OPERATOR: 'station', ENGINEER: 'sheet', ADMIN: 'admin' };

function App() {
  const [session, setSession] = useState<Session | null>(loadSession);
  const route = useRoute();
  const prefetchedFor = useRef('');
  useEffect(
    () =>
      setUnauthenticatedHandler(() => {
        saveSession(null);
        setSession(null);
      }),
    [],
  );

  if (!session)
    return (
      <LoginPage
        onLogin={(s) => {
          setSession(s);
          window.location.hash = href(HOME[s.role]);
        }}
      />
    );

  const page = route[0] ?? HOME[session.role];
  // Start the heat map's query now (once per route): it and the page's code download together.
  const routeKey = route.join('/');
  if (page === 'sheet' && route[1] && session.role !== 'OPERATOR' && prefetchedFor.current !== routeKey) {
    prefetchedFor.current = routeKey;
    prefetchSheetMaps(route[1], DEFAULT_SHEET_METRIC);
  }
  const item = NAV.find((n) => n.path === page) ?? SUB_PAGES.find((n) => n.path === page);
  // A label and a stack are for everyone (an operator at the stacking station opens the stack it built).
  const allowed = page === 'label' || page === 'stack' || !item || item.roles.includes(session.role);
  let content: ReactNode;
  if (!allowed) {
    content = (
      <div className="refusal-box" role="alert">
        <h1>Not for your role</h1>
        <p>
          {item?.label ?? page} is for {item?.roles.join(' or ') ?? 'engineers'}; you are signed in as {session.username} ({session.role}).
        </p>
      </div>
    );
  } else {
    switch (page) {
      case 'station':
        content = <StationPage session={session} />;
        break;
      case 'sheet':
        content = <SheetPage barcode={route[1]} />;
        break;
      case 'roll':
        content = <RollPage barcode={route[1]} region={route[3] !== undefined ? { mdFrom: route[2], mdTo: route[3] } : undefined} />;
        break;
      case 'cell':
        content = <CellPage sheet={route[1]} row={Number(route[2])} col={Number(route[3])} />;
        break;
      case 'holds':
        content = <HoldsPage />;
        break;
      case 'yield':
        content = <YieldPage roll={route[1]} />;
        break;
      case 'rule-sets':
        content = <RuleSetsPage />;
        break;
      case 'admin':
        content = <AdminPage />;
        break;
      case 'spc':
        content = <SpcPage product={route[1]} />;
        break;
      case 'stacked':
      case 'correlation': {
        const Page = page === 'stacked' ? StackedPage : CorrelationPage;
        content = route[1] ? (
          <Page roll={route[1]} />
        ) : (
          <div className="refusal-box" role="alert">
            <h1>Which roll?</h1>
            <p>
              Open #/{page}/&lt;roll&gt;, or follow the link on a <a href={href('roll')}>roll</a> or sheet page.
            </p>
          </div>
        );
        break;
      }
      case 'stack':
        content = <StackPage barcode={route[1]} />;
        break;
      case 'label':
        content = <LabelPage barcode={route[1]} />;
        break;
      default:
        content = (
          <div className="refusal-box" role="alert">
            <h1>No such page</h1>
            <p>#{route.join('/')} is not a page of the MES.</p>
          </div>
        );
    }
  }
  return (
    <>
      <a
        className="skip"
        href="#main"
        onClick={(e) => {
          e.preventDefault();
          document.getElementById('main')?.focus();
        }}
      >
        Skip to content
      </a>
      <header className="top">
        <span className="brand">R2R MES</span>
        <nav aria-label="Pages">
          {NAV.filter((n) => n.roles.includes(session.role)).map((n) => (
            <a key={n.path} href={href(n.path)} aria-current={n.path === page ? 'page' : undefined}>
              {n.label}
            </a>
          ))}
        </nav>
        <span className="who">
          {session.username} · {session.role.toLowerCase()}
        </span>
        <button
          type="button"
          className="link"
          onClick={() => {
            saveSession(null);
            setSession(null);
          }}
        >
          Sign out
        </button>
      </header>
      <main id="main" tabIndex={-1}>
        <Suspense fallback={<p className="muted">Loading…</p>}>{content}</Suspense>
      </main>
    </>
  );
}

createRoot(document.getElementById('root') as HTMLElement).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
