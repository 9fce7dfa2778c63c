// Integration tests talk to real servers: consumer-group joins and rebalances take seconds.
jest.setTimeout(120000);
