// Renderer entry: connect to the contract (preload or HTTP) and mount the app.

import { createRoot } from 'react-dom/client';
import { connectApi } from './api/smearlab-api.ts';
import { App } from './app.tsx';
import './styles/app.css';
import './styles/agreement.css';
import './styles/assist.css';

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');
createRoot(root).render(<App api={connectApi()} />);
