module.exports = {
  displayName: 'server-event-store',
  preset: '../../../jest.node.preset.js',
  coverageDirectory: '../../../coverage/libs/server/event-store',
};
