export async function runOverload() { throw new Error("todo"); }
