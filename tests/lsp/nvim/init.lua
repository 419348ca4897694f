-- Headless neovim as an LSP client of `ww lsp`, for crates/runtime/tests/lsp.rs:
--
--   WW_BIN=/path/to/ww GLIA_NVIM_OUT=/tmp/out.txt \
--     nvim --headless --clean -u tests/lsp/nvim/init.lua file.glia
--
-- It attaches `$WW_BIN lsp` to the .glia buffer, waits until the buffer has
-- diagnostics (GLIA_NVIM_TIMEOUT_MS, 20000 by default), writes them to
-- $GLIA_NVIM_OUT and quits with 0; on a timeout, or if the server cannot start
-- or exits, it writes why and quits with 1 (cquit). Works with neovim 0.7
-- (Debian bookworm: vim.lsp.start_client) and later (vim.lsp.start).

local ww = os.getenv("WW_BIN") or "ww"
local out_path = os.getenv("GLIA_NVIM_OUT")
local timeout = tonumber(os.getenv("GLIA_NVIM_TIMEOUT_MS") or "") or 20000

local exited = nil -- set to "code N" when the server process ends
local client_id = nil

local function finish(ok, lines)
  if out_path then
    local f = assert(io.open(out_path, "w"))
    f:write(table.concat(lines, "\n"), "\n")
    f:close()
  else
    io.stderr:write(table.concat(lines, "\n"), "\n")
  end
  if ok then
    vim.cmd("qa!")
  else
    -- A server that did not answer is killed, not left behind.
    if client_id then
      vim.lsp.stop_client(client_id, true)
    end
    vim.cmd("cquit 1")
  end
end

-- *.glia is Glia; a filetype of its own, so no clojure plugin interferes.
if vim.filetype and vim.filetype.add then
  vim.filetype.add({ extension = { glia = "glia" } })
end
vim.api.nvim_create_autocmd({ "BufRead", "BufNewFile" }, {
  pattern = "*.glia",
  callback = function()
    vim.bo.filetype = "glia"
  end,
})

-- The project root: the nearest folder above with a .git, else the file's
-- own folder.
local function root_of(path)
  local dir = vim.fn.fnamemodify(path, ":p:h")
  local found = vim.fn.finddir(".git", dir .. ";")
  if found ~= "" then
    return vim.fn.fnamemodify(found, ":p:h:h")
  end
  return dir
end

local function attach(bufnr)
  local config = {
    name = "glia",
    cmd = { ww, "lsp" },
    root_dir = root_of(vim.api.nvim_buf_get_name(bufnr)),
    on_exit = function(code, signal)
      exited = string.format("code %s, signal %s", tostring(code), tostring(signal))
    end,
  }
  if vim.lsp.start then
    client_id = vim.lsp.start(config, { bufnr = bufnr })
  else
    client_id = vim.lsp.start_client(config)
    if client_id then
      vim.lsp.buf_attach_client(bufnr, client_id)
    end
  end
end

vim.api.nvim_create_autocmd("FileType", {
  pattern = "glia",
  callback = function(args)
    attach(args.buf)
  end,
})

vim.api.nvim_create_autocmd("VimEnter", {
  callback = function()
    local bufnr = vim.api.nvim_get_current_buf()
    if vim.bo[bufnr].filetype ~= "glia" then
      finish(false, { "error: the buffer is not a .glia file: " .. vim.api.nvim_buf_get_name(bufnr) })
      return
    end
    if not client_id then
      finish(false, { "error: could not start the server: " .. ww .. " lsp" })
      return
    end
    local got = vim.wait(timeout, function()
      return exited ~= nil or #vim.diagnostic.get(bufnr) > 0
    end, 50)
    local diagnostics = vim.diagnostic.get(bufnr)
    if #diagnostics > 0 then
      local lines = { "diagnostics " .. #diagnostics }
      for _, d in ipairs(diagnostics) do
        table.insert(lines, string.format(
          "%d:%d: severity %s: %s [%s]",
          d.lnum + 1, d.col + 1, tostring(d.severity),
          (d.message or ""):gsub("\n", " "), tostring(d.source)
        ))
      end
      finish(true, lines)
    elseif exited then
      finish(false, { "error: the server exited (" .. exited .. ") before publishing diagnostics" })
    elseif not got then
      finish(false, { string.format("error: no diagnostics within %d ms", timeout) })
    else
      finish(false, { "error: no diagnostics" })
    end
  end,
})
