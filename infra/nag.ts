import { Validations, type App } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { acknowledgeNagFindings } from './nag-suppressions';

/**
 * Runs the cdk-nag AwsSolutions pack on every stack of the app at synth: a finding that is
 * not acknowledged in infra/nag-suppressions.ts fails `cdk synth` (and tests/infra/nag.test.ts).
 */
export function applyNagChecks(app: App): void {
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  acknowledgeNagFindings(app);
}
