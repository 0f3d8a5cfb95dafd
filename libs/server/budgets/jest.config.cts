module.exports = {
  displayName: 'server-budgets',
  preset: '../../../jest.node.preset.js',
  coverageDirectory: '../../../coverage/libs/server/budgets',
};
