export { loadShell, publicRoutes, shellRoutes } from './lib/shell.routes';
export type { ComingSoonRouteData } from './lib/shell.routes';
export { NAV_ITEMS } from './lib/shell/nav-items';
export type { NavItem } from './lib/shell/nav-items';
export { PRODUCT_NAME } from './lib/product';
export {
  HealthService,
  HEALTH_URL,
  describeHealthError,
} from './lib/health/health-service';
