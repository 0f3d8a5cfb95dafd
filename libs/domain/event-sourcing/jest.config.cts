module.exports = {
  displayName: 'domain-event-sourcing',
  preset: '../../../jest.node.preset.js',
  coverageDirectory: '../../../coverage/libs/domain/event-sourcing',
};
