// main.js — the entry point: imports the core and every page module (one per line,
// so branches that add pages merge without conflicts), then starts the interface.
import { start } from './core.js';
import './pages/login.js';
import './pages/password.js';
import './pages/home.js'; // first: its entry leads the navigation
import './pages/cases.js';
import './pages/tasks.js';
import './pages/new-case.js';
import './pages/case.js';
import './pages/child-record.js';
import './pages/screenings.js';
import './pages/referrals.js';
import './pages/contacts.js';
import './pages/qualify.js';
import './pages/services.js';
import './pages/agreements.js';
import './pages/reports.js';
import './pages/dataset.js';
import './pages/admin.js';
import './pages/audit.js';
import './pages/access-grants.js';
import './pages/grant-requests.js';
import './pages/search.js';
import './pages/operations.js';
import './storage.js'; // the full-disk banner on every page

start();
