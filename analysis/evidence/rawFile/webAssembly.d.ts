/**
 * The part of the WebAssembly JavaScript API the engine uses. Node.js has it as a global, but
 * @types/node leaves it to TypeScript's DOM library, which would bring every browser global with it.
 */
declare namespace WebAssembly {
    class Module {
        constructor(bytes: Uint8Array);
    }
    class Instance {
        constructor(module: Module, imports?: Record<string, never>);
        readonly exports: Record<string, unknown>;
    }
    class Memory {
        readonly buffer: ArrayBuffer;
    }
    class Global {
        value: number;
    }
}
