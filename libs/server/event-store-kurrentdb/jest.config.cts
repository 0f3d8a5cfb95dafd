module.exports = {
  displayName: 'server-event-store-kurrentdb',
  preset: '../../../jest.node.preset.js',
  coverageDirectory: '../../../coverage/libs/server/event-store-kurrentdb',
};
