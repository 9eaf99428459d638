import { checkEveryPage } from './a11y-pages.js';

checkEveryPage('phone');
