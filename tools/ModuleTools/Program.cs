using ModuleTools.Help;
using ModuleTools.Packaging;

// ModuleTools help <assembly> <xml-docs> <reference-list> <output-maml>
// ModuleTools nuspec <psd1> <module-folder> <output-nuspec>
return args switch
{
    ["help", var assembly, var docs, var references, var output] => HelpCommand.Run(assembly, docs, references, output),
    ["nuspec", var manifest, var folder, var output] => NuspecCommand.Run(manifest, folder, output),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: ModuleTools help <assembly> <xml-docs> <reference-list> <output> | nuspec <psd1> <module-folder> <output>");
    return 2;
}
