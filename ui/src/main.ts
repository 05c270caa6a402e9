import { mount } from 'svelte';
import './app.css';
import App from './App.svelte';

// Start-up marks (read by tests/app/bench-keystroke.mjs to split the start-up time).
performance.mark('cb:modules');
const target = document.getElementById('app');
if (!target) throw new Error('#app missing from index.html');
const mounted = mount(App, { target });
performance.mark('cb:mounted');
export default mounted;
