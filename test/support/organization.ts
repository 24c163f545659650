export {
  buildOrganization,
  type DemoAccount as TestAccount,
  type DemoOrganization as TestOrganization,
} from '../../src/local/demo-organization';
