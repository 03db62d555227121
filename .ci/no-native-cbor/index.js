// cbor-x treats a throwing require('cbor-extract') as "no native acceleration" and decodes in JS.
throw new Error('cbor-extract native acceleration is not installed in this project');
