import nx from '@nx/eslint-plugin';

export default [
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  ...nx.configs['flat/javascript'],
  {
    ignores: ['**/dist', '**/out-tsc'],
  },
  {
    files: ['**/*.ts', '**/*.tsx', '**/*.js', '**/*.jsx'],
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: true,
          allow: ['^.*/eslint(\\.base)?\\.config\\.[cm]?[jt]s$'],
          // Two dimensions. `type:` keeps the domain pure (other domain code and util only);
          // `platform:` keeps browser code and server code apart. Every project
          // carries one tag of each, so an untagged project fails lint too.
          depConstraints: [
            { sourceTag: 'type:util', onlyDependOnLibsWithTags: ['type:util'] },
            {
              sourceTag: 'type:domain',
              onlyDependOnLibsWithTags: ['type:domain', 'type:util'],
            },
            {
              sourceTag: 'type:contracts',
              onlyDependOnLibsWithTags: ['type:util'],
            },
            {
              sourceTag: 'type:server',
              onlyDependOnLibsWithTags: [
                'type:server',
                'type:domain',
                'type:contracts',
                'type:util',
              ],
            },
            {
              sourceTag: 'type:web',
              onlyDependOnLibsWithTags: [
                'type:web',
                'type:domain',
                'type:contracts',
                'type:util',
              ],
            },
            {
              sourceTag: 'type:app',
              onlyDependOnLibsWithTags: [
                'type:server',
                'type:web',
                'type:domain',
                'type:contracts',
                'type:util',
              ],
            },
            {
              sourceTag: 'platform:server',
              notDependOnLibsWithTags: ['platform:web'],
            },
            {
              sourceTag: 'platform:web',
              notDependOnLibsWithTags: ['platform:server'],
            },
            {
              sourceTag: 'platform:shared',
              onlyDependOnLibsWithTags: ['platform:shared'],
            },
          ],
        },
      ],
    },
  },
  {
    files: [
      '**/*.ts',
      '**/*.tsx',
      '**/*.cts',
      '**/*.mts',
      '**/*.js',
      '**/*.jsx',
      '**/*.cjs',
      '**/*.mjs',
    ],
    // Override or add rules here
    rules: {},
  },
];
