export { startGateway } from './bootstrap';
