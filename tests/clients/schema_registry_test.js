// @kafkajs/confluent-schema-registry with KafkaJS against `kappa up` (its registry on
// listeners.http, its broker on listeners.kafka): register, encode, produce, consume, decode,
// for Avro and JSON Schema, with decoding by a fresh registry client (so the schema is
// fetched by id); an incompatible registration surfaces the registry's 409.
// Usage: node schema_registry_test.js http://127.0.0.1:PORT host:port. Exits non-zero on failure.
const assert = require('assert');
const { Kafka, logLevel } = require('kafkajs');
const { SchemaRegistry, SchemaType } = require('@kafkajs/confluent-schema-registry');

const USER = {
  type: 'record', name: 'User', namespace: 'com.acme',
  fields: [{ name: 'name', type: 'string' }, { name: 'age', type: 'int' }],
};
// Adds a field without a default: BACKWARD-incompatible with USER.
const USER_BAD = {
  type: 'record', name: 'User', namespace: 'com.acme',
  fields: [{ name: 'name', type: 'string' }, { name: 'age', type: 'int' },
           { name: 'email', type: 'string' }],
};
const USER_V2 = {
  type: 'record', name: 'User', namespace: 'com.acme',
  fields: [{ name: 'name', type: 'string' }, { name: 'age', type: 'int' },
           { name: 'email', type: ['null', 'string'], default: null }],
};
const ORDER = {
  $schema: 'http://json-schema.org/draft-07/schema#', title: 'Order', type: 'object',
  properties: { id: { type: 'integer' }, item: { type: 'string' } },
  required: ['id'], additionalProperties: false,
};

async function roundTrip(kafka, registryUrl, topic, id, values) {
  const writer = new SchemaRegistry({ host: registryUrl });
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
  await admin.disconnect();
  const producer = kafka.producer();
  await producer.connect();
  const messages = [];
  for (const v of values) {
    const buf = await writer.encode(id, v);
    assert.strictEqual(buf[0], 0, 'magic byte');
    assert.strictEqual(buf.readInt32BE(1), id, 'schema id in the frame');
    messages.push({ value: buf });
  }
  await producer.send({ topic, messages, acks: -1 });
  await producer.disconnect();

  // A reader that has never seen the schema: decode fetches it by id.
  const reader = new SchemaRegistry({ host: registryUrl });
  const consumer = kafka.consumer({ groupId: topic + '-group' });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  const got = [];
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(topic + ': consumed only ' + got.length)), 60000);
    consumer.run({
      eachMessage: async ({ message }) => {
        got.push(await reader.decode(message.value));
        if (got.length === values.length) { clearTimeout(timer); resolve(); }
      },
    }).catch(reject);
  });
  await consumer.disconnect();
  assert.deepStrictEqual(got.map((x) => JSON.parse(JSON.stringify(x))), values);
}

async function main() {
  const [registryUrl, broker] = process.argv.slice(2);
  const registry = new SchemaRegistry({ host: registryUrl });
  const kafka = new Kafka({ clientId: 'kappa-sr-test', brokers: [broker], logLevel: logLevel.WARN });

  // Avro.
  const { id: userId } = await registry.register(
    { type: SchemaType.AVRO, schema: JSON.stringify(USER) }, { subject: 'kjs-users-value' });
  assert.ok(Number.isInteger(userId) && userId > 0, 'avro id ' + userId);
  assert.strictEqual(await registry.getLatestSchemaId('kjs-users-value'), userId);
  assert.strictEqual(await registry.getRegistryId('kjs-users-value', 1), userId);
  assert.strictEqual(await new SchemaRegistry({ host: registryUrl }).getRegistryIdBySchema(
    'kjs-users-value', { type: SchemaType.AVRO, schema: JSON.stringify(USER) }), userId);
  await roundTrip(kafka, registryUrl, 'kjs-users', userId,
                  [{ name: 'Ada', age: 36 }, { name: 'Grace', age: 85 }, { name: 'Ünïcødé', age: 1 }]);

  // An incompatible schema: the registry's 409 reaches the caller.
  let failed = null;
  try {
    await registry.register({ type: SchemaType.AVRO, schema: JSON.stringify(USER_BAD) },
                            { subject: 'kjs-users-value' });
  } catch (e) {
    failed = e;
  }
  assert.ok(failed, 'an incompatible schema was registered');
  assert.strictEqual(failed.status, 409, 'status ' + (failed && failed.status) + ': ' + failed);
  assert.ok(/incompatible/i.test(failed.message), failed.message);
  // A compatible evolution registers as version 2.
  const { id: v2Id } = await registry.register(
    { type: SchemaType.AVRO, schema: JSON.stringify(USER_V2) }, { subject: 'kjs-users-value' });
  assert.notStrictEqual(v2Id, userId);
  assert.strictEqual(await registry.getRegistryId('kjs-users-value', 2), v2Id);
  // Data written with v1 read with v2 as the reader schema (Avro resolution, default null).
  const old = await registry.encode(userId, { name: 'Old', age: 1 });
  const resolved = await new SchemaRegistry({ host: registryUrl }).decode(old, {
    [SchemaType.AVRO]: { readerSchema: USER_V2 } });
  assert.deepStrictEqual(JSON.parse(JSON.stringify(resolved)), { name: 'Old', age: 1, email: null });

  // JSON Schema.
  const { id: orderId } = await registry.register(
    { type: SchemaType.JSON, schema: JSON.stringify(ORDER) }, { subject: 'kjs-orders-value' });
  assert.ok(orderId > 0 && orderId !== userId && orderId !== v2Id, 'json id ' + orderId);
  await roundTrip(kafka, registryUrl, 'kjs-orders', orderId,
                  [{ id: 1, item: 'book' }, { id: 2 }]);
  // The client validates against the schema fetched from the registry.
  let invalid = null;
  try {
    await new SchemaRegistry({ host: registryUrl }).encode(orderId, { id: 'not a number' });
  } catch (e) {
    invalid = e;
  }
  assert.ok(invalid, 'an invalid payload was encoded');
  // An incompatible JSON Schema change (a new required property under a closed content
  // model) surfaces the 409 too.
  const ORDER_BAD = { ...ORDER, properties: { ...ORDER.properties, qty: { type: 'integer' } },
                      required: ['id', 'qty'] };
  failed = null;
  try {
    await registry.register({ type: SchemaType.JSON, schema: JSON.stringify(ORDER_BAD) },
                            { subject: 'kjs-orders-value' });
  } catch (e) {
    failed = e;
  }
  assert.ok(failed && failed.status === 409, 'json 409: ' + failed);
  console.log('ok avro ' + userId + ' ' + v2Id + ' json ' + orderId);
}

main().catch((e) => { console.error(e); process.exit(1); });
