// Makes sure the infrastructure runs (starting it natively unless endpoints are given in the
// environment) and hands its endpoints to every test worker through process.env.
const { ensureInfrastructure } = require('../scripts/infra-env');

module.exports = async () => {
  Object.assign(process.env, ensureInfrastructure());
};
