-- tak(18, 12, 6): Takeuchi function. Expected 7.

local function tak(x, y, z)
  if y < x then
    return tak(tak(x - 1, y, z), tak(y - 1, z, x), tak(z - 1, x, y))
  end
  return z
end

return function() return tak(18, 12, 6) end
