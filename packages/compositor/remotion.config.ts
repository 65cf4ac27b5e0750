// Read by Remotion Studio (`beatframe studio`): the composition's relative imports end in .js (NodeNext).
import { Config } from '@remotion/cli/config';

Config.overrideWebpackConfig((config) => ({
  ...config,
  resolve: { ...config.resolve, extensionAlias: { '.js': ['.tsx', '.ts', '.js'] } },
}));
