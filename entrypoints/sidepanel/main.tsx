import { render } from 'preact';
import { App } from '@/components/panel/App';

render(<App />, document.getElementById('app')!);
