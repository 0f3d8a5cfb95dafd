module.exports = {
  displayName: 'domain-budgets',
  preset: '../../../jest.node.preset.js',
  coverageDirectory: '../../../coverage/libs/domain/budgets',
};
