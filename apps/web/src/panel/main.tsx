/** The development-only tRPC panel (DESIGN.md §7); served by the API at /panel, never in production. */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { Panel } from './panel';
import './panel.css';
import './rjsf.css';

const container = document.getElementById('panel');
if (!container) throw new Error('panel.html has no #panel element');

createRoot(container).render(
  <StrictMode>
    <Panel />
  </StrictMode>,
);
