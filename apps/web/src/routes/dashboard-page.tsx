// The landing route lives with its feature; this module keeps the router's import path.
export { DashboardPage } from '../features/dashboard/dashboard-page';
