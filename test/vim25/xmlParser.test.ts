// The SOAP request parser refuses DTDs (so no external entities and no entity expansion), unknown
// entities, and documents past the depth / element / text bounds; it reads namespaces and xsi:type.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseXml, XmlRefused } from '../../src-main/node/vim25/xmlParser';
import { readRequest } from '../../src-main/node/vim25/soapEnvelope';
import { VimFault } from '../../src-main/node/vim25/faults';

const BILLION_LAUGHS = `<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol9 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<lolz>&lol9;</lolz>`;

const EXTERNAL_ENTITY = `<?xml version="1.0"?>
<!DOCTYPE foo [ <!ENTITY xxe SYSTEM "file:///etc/passwd"> ]>
<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body><Login xmlns="urn:vim25"><_this type="SessionManager">SessionManager</_this><userName>&xxe;</userName></Login></soapenv:Body></soapenv:Envelope>`;

test('billion laughs is refused at the DOCTYPE, before any expansion', () => {
  const started = process.hrtime.bigint();
  assert.throws(() => parseXml(BILLION_LAUGHS), (e: unknown) => e instanceof XmlRefused && /DOCTYPE/.test(e.message));
  assert.ok(process.hrtime.bigint() - started < 1_000_000_000n, 'refusal is immediate');
});

test('an external entity is refused (DTD), and an undeclared entity reference is malformed', () => {
  assert.throws(() => parseXml(EXTERNAL_ENTITY), /DOCTYPE/);
  assert.throws(() => parseXml('<a>&xxe;</a>'), (e: unknown) => e instanceof XmlRefused && /malformed/.test(e.message));
  assert.throws(() => parseXml('<a>&#xZZ;</a>'), XmlRefused);
});

test('only the five XML entities and character references are expanded', () => {
  const el = parseXml('<a>&lt;&gt;&amp;&quot;&apos;&#65;&#x42;</a>');
  assert.equal(el.text, '<>&"\'AB');
});

test('depth, element count and text size are bounded', () => {
  const deep = '<a>'.repeat(65) + '</a>'.repeat(65);
  assert.throws(() => parseXml(deep), /deeper than 64/);
  assert.doesNotThrow(() => parseXml('<a>'.repeat(64) + '</a>'.repeat(64)));
  assert.throws(() => parseXml(`<r>${'<e/>'.repeat(11)}</r>`, { maxDepth: 8, maxElements: 10, maxTextChars: 100 }), /more than 10 elements/);
  assert.throws(() => parseXml(`<r>${'x'.repeat(101)}</r>`, { maxDepth: 8, maxElements: 10, maxTextChars: 100 }), /characters of text/);
});

test('malformed documents are refused with a message, never thrown raw', () => {
  for (const bad of ['', '<', '<a>', '<a></b>', '<a b="1" b="2"/>', '<a/><b/>', 'text', '<?evil x?><a/>', '<a>\u0000</a>']) {
    assert.throws(() => parseXml(bad), XmlRefused, JSON.stringify(bad));
  }
});

test('namespaces and xsi:type are read; a SOAP request names method, _this and arguments', () => {
  const req = readRequest('<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
    + '<soapenv:Body><RetrievePropertiesEx xmlns="urn:vim25"><_this type="PropertyCollector">propertyCollector</_this>'
    + '<specSet><objectSet><obj type="Folder">group-d1</obj><selectSet xsi:type="TraversalSpec"><type>Folder</type><path>childEntity</path></selectSet></objectSet></specSet>'
    + '</RetrievePropertiesEx></soapenv:Body></soapenv:Envelope>');
  assert.equal(req.method, 'RetrievePropertiesEx');
  assert.deepEqual(req.thisRef, { type: 'PropertyCollector', id: 'propertyCollector' });
  const sel = req.args[0].children[0].children[1];
  assert.equal(sel.xsiType, 'TraversalSpec');
  assert.throws(() => readRequest('<a/>'), (e: unknown) => e instanceof VimFault && e.type === 'InvalidRequest');
  assert.throws(() => readRequest('<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body><M xmlns="urn:vim25"/></soapenv:Body></soapenv:Envelope>'),
    (e: unknown) => e instanceof VimFault && e.type === 'InvalidRequest' && /_this/.test(e.message));
});
