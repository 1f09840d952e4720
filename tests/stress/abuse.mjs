export async function runAbuse() { throw new Error("todo"); }
